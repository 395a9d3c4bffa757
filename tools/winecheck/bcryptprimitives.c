/*
 * TEST FIXTURE for `make check-windows` — never shipped, never installed on
 * a user's machine.
 *
 * Go's runtime (since Go 1.22) gets its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10 and later have. Debian 12's Wine 8
 * has no such DLL, so a Go program there stops at once with
 * "fatal error: bcryptprimitives.dll not found". This stand-in gives Wine
 * the one function, over RtlGenRandom (advapi32's SystemFunction036), so the
 * check can start the real .exe. On Windows the system's own DLL is used.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE; /* as Windows' own: ProcessPrng always succeeds */
}
