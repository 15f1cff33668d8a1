package filter

import "unsafe"

const stringSize = int(unsafe.Sizeof(""))

func stringData(s string) int { return int(uintptr(unsafe.Pointer(unsafe.StringData(s)))) }

func sliceData(s []string) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }
