package datasets

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
)

// Fingerprint returns a short hex digest (the first 16 hex digits of a SHA-256) of the
// dataset's content: its shape, class count, labels and pixels in order. Two datasets have
// the same fingerprint exactly when they hold the same examples in the same order (save for
// a hash collision); the name, source and class names do not count. A checkpoint records it
// so that a resumed run refuses other data (another subset, split or file). It hashes every
// byte: 30 to 40 ms for the 47 MB of Fashion-MNIST's training images on a 2-core CPU.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	putInts(h, int64(d.Height), int64(d.Width), int64(d.Channels), int64(d.NumClasses), int64(d.Len()))
	labels := make([]byte, 4*len(d.Labels))
	for i, l := range d.Labels {
		binary.LittleEndian.PutUint32(labels[4*i:], uint32(l))
	}
	h.Write(labels)
	switch {
	case d.Uint8 != nil:
		h.Write([]byte{'u'})
		h.Write(d.Uint8)
	case d.Float32 != nil:
		h.Write([]byte{'f'})
		buf := make([]byte, 0, 4*4096)
		for i, v := range d.Float32 {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) || i == len(d.Float32)-1 {
				h.Write(buf)
				buf = buf[:0]
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func putInts(h hash.Hash, vs ...int64) {
	var b [8]byte
	for _, v := range vs {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
}
