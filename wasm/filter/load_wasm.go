//go:build wasm

package filter

import "unsafe"

// load64 reads s[i:i+8] little endian. The wasm back end does not combine
// byte loads, so this is one (unaligned, which wasm allows) 64-bit load.
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

func load32(s string, i int) uint32 {
	_ = s[i+3]
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// store64 writes v to b[i:i+8] little endian.
func store64(b []byte, i int, v uint64) {
	_ = b[i+7]
	*(*uint64)(unsafe.Pointer(&b[i])) = v
}
