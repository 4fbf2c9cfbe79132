package structs

import (
	"testing"

	"github.com/sessiongen/sessiongen/runtime"
)

// TestNamedByteSlice: a slice of a defined byte type is base64 text, as
// encoding/json writes it, not an array of numbers.
func TestNamedByteSlice(t *testing.T) {
	sameAsJSON(t, codecSliceOfOctet, runtime.JSON[[]Octet](), []Octet{1, 2, 255})
	sameAsJSON(t, codecPacket, runtime.JSON[Packet](), Packet{Bits: []Octet{0, 7}})
	decodesAsJSON(t, codecSliceOfOctet, runtime.JSON[[]Octet](), []byte(`[1,2,3]`))
}
