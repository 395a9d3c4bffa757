// Command pecheck checks that a file is what `make package-windows` promises:
// a 64-bit Windows executable for the GUI subsystem (no console window opens
// with it) that carries an application icon. It prints what it found and
// exits 1 if any of that is missing.
//
//	go run ./tools/pecheck dist/concurrency-lab.exe
package main

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Resource types, from the PE format.
const (
	rtIcon      = 3
	rtGroupIcon = 14
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pecheck FILE.exe")
		os.Exit(2)
	}
	if err := check(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "pecheck:", err)
		os.Exit(1)
	}
}

func check(path string) error {
	f, err := pe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return fmt.Errorf("%s: machine %#x, want AMD64", path, f.Machine)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return fmt.Errorf("%s: not a PE32+ (64-bit) image", path)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		return fmt.Errorf("%s: subsystem %d, want %d (GUI): a console window would open with it", path, oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	rsrc := f.Section(".rsrc")
	if rsrc == nil {
		return fmt.Errorf("%s: no .rsrc section, so no icon", path)
	}
	data, err := rsrc.Data()
	if err != nil {
		return fmt.Errorf("%s: reading .rsrc: %w", path, err)
	}
	types, err := entries(data, 0)
	if err != nil {
		return fmt.Errorf("%s: .rsrc: %w", path, err)
	}
	icons, groups := 0, 0
	for _, e := range types {
		if !e.dir {
			continue
		}
		sub, err := entries(data, e.offset)
		if err != nil {
			return fmt.Errorf("%s: .rsrc: %w", path, err)
		}
		switch e.id {
		case rtIcon:
			icons = len(sub)
		case rtGroupIcon:
			groups = len(sub)
		}
	}
	if icons == 0 || groups == 0 {
		return fmt.Errorf("%s: %d icon images in %d icon groups: no application icon", path, icons, groups)
	}
	fmt.Printf("%s: PE32+ x86-64, GUI subsystem (no console window), icon: %d images in %d group(s)\n", path, icons, groups)
	return nil
}

type entry struct {
	id     uint32
	dir    bool
	offset uint32
}

// entries reads the IMAGE_RESOURCE_DIRECTORY at off in the .rsrc section.
func entries(data []byte, off uint32) ([]entry, error) {
	if int(off)+16 > len(data) {
		return nil, errors.New("resource directory out of bounds")
	}
	named := binary.LittleEndian.Uint16(data[off+12:])
	ids := binary.LittleEndian.Uint16(data[off+14:])
	var es []entry
	for i := range uint32(named) + uint32(ids) {
		at := off + 16 + 8*i
		if int(at)+8 > len(data) {
			return nil, errors.New("resource entry out of bounds")
		}
		name := binary.LittleEndian.Uint32(data[at:])
		to := binary.LittleEndian.Uint32(data[at+4:])
		es = append(es, entry{id: name, dir: to&0x80000000 != 0, offset: to &^ 0x80000000})
	}
	return es, nil
}
