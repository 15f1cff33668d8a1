package build

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// Icons draws the extension's icons (a shield-green disc with a white
// check-like bar) at the sizes the stores ask for.
func Icons() map[string][]byte {
	out := map[string][]byte{}
	for _, n := range []int{16, 32, 48, 128} {
		img := image.NewNRGBA(image.Rect(0, 0, n, n))
		c := float64(n-1) / 2
		r := float64(n) / 2
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				dx, dy := float64(x)-c, float64(y)-c
				if dx*dx+dy*dy > r*r {
					continue
				}
				col := color.NRGBA{0x1b, 0x7f, 0x4c, 0xff}
				if y > n*2/5 && y < n*3/5 && x > n/4 && x < n*3/4 {
					col = color.NRGBA{0xff, 0xff, 0xff, 0xff}
				}
				img.SetNRGBA(x, y, col)
			}
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		out[fmt.Sprintf("icons/icon-%d.png", n)] = b.Bytes()
	}
	return out
}
