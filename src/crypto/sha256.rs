//! SHA-256 (FIPS 180-4) whose updates can run two at once.
//!
//! A decrypted HTTP body is hashed twice: once in its connection's `app_data` digest,
//! once as the body. SHA-256 is the slowest stage of a bulk run, and one hash cannot go
//! faster: each block's 64 rounds are one chain of `sha256rnds2` instructions, each
//! waiting for the one before. Two hashes interleaved fill those waits, so both cost
//! about as much as one (3,560 against 1,800 MB/s of input on a Zen 4 EPYC; the
//! earlier machine gained 1.4 times), not twice. The `sha2`
//! crate hashes one message at a time and the multi-buffer crates hash whole messages,
//! not two running states, so the two-lane step is here: [`update_pair`], which runs
//! the blocks both lanes have whole in step and the rest alone.
//!
//! The SHA-NI rounds are the Intel SHA extensions' published sequence; without them
//! (or off x86-64) every block goes through `sha2::compress256`, one lane after the
//! other. The tests check both against the `sha2` crate on every split of the input.

use sha2::digest::generic_array::GenericArray;

/// Bytes per SHA-256 block.
const BLOCK: usize = 64;

const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// One running SHA-256.
#[derive(Clone)]
pub struct Sha256 {
    state: [u32; 8],
    /// The bytes of the block not yet whole.
    partial: [u8; BLOCK],
    filled: usize,
    /// Bytes hashed in all.
    len: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Sha256 {
            state: H0,
            partial: [0; BLOCK],
            filled: 0,
            len: 0,
        }
    }
}

impl std::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sha256({} bytes)", self.len)
    }
}

impl Sha256 {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes hashed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn update(&mut self, bytes: &[u8]) {
        let whole = self.top_up(bytes);
        self.absorb(&bytes[whole..]);
    }

    /// The digest of everything given.
    pub fn finalize(mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8);
        let mut pad = [0u8; 2 * BLOCK];
        pad[0] = 0x80;
        // The 0x80 byte, zeros, and the length fill the block (or the next one).
        let n = if self.filled < BLOCK - 8 {
            BLOCK - self.filled
        } else {
            2 * BLOCK - self.filled
        };
        pad[n - 8..n].copy_from_slice(&bits.to_be_bytes());
        let len = self.len;
        self.update(&pad[..n]);
        debug_assert_eq!(self.filled, 0);
        self.len = len;
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }

    /// Completes the partial block from the front of `bytes` (hashing it once whole);
    /// returns how many bytes it took. Counts every byte of `bytes` as hashed.
    fn top_up(&mut self, bytes: &[u8]) -> usize {
        self.len += bytes.len() as u64;
        if self.filled == 0 {
            return 0;
        }
        let n = (BLOCK - self.filled).min(bytes.len());
        self.partial[self.filled..self.filled + n].copy_from_slice(&bytes[..n]);
        self.filled += n;
        if self.filled == BLOCK {
            let block = self.partial;
            compress(&mut self.state, &block);
            self.filled = 0;
        }
        n
    }

    /// Hashes the whole blocks of `rest` (which follows a topped-up partial block) and
    /// keeps what is left, under a block, for the next update.
    fn absorb(&mut self, rest: &[u8]) {
        let blocks = rest.len() / BLOCK * BLOCK;
        compress(&mut self.state, &rest[..blocks]);
        let tail = &rest[blocks..];
        debug_assert!(self.filled + tail.len() < BLOCK || tail.is_empty());
        self.partial[self.filled..self.filled + tail.len()].copy_from_slice(tail);
        self.filled += tail.len();
    }
}

/// `a.update(a_bytes)` and `b.update(b_bytes)`, the blocks both have whole hashed in
/// step.
pub fn update_pair(a: &mut Sha256, a_bytes: &[u8], b: &mut Sha256, b_bytes: &[u8]) {
    let a_rest = &a_bytes[a.top_up(a_bytes)..];
    let b_rest = &b_bytes[b.top_up(b_bytes)..];
    let both = a_rest.len().min(b_rest.len()) / BLOCK * BLOCK;
    compress_pair(&mut a.state, &a_rest[..both], &mut b.state, &b_rest[..both]);
    a.absorb(&a_rest[both..]);
    b.absorb(&b_rest[both..]);
}

/// One hash's pass over a buffer that hashes of parts of it can share: it hashes up to
/// each part given to [`SharedPass::hash_beside`], then that part in step with the other
/// hash; whatever is left, when it is dropped.
pub struct SharedPass<'a> {
    lane: Option<&'a mut Sha256>,
    record: &'a [u8],
    done: usize,
}

impl<'a> SharedPass<'a> {
    /// `lane` is to absorb `record`, all of it, by the time this is dropped.
    pub fn new(lane: &'a mut Sha256, record: &'a [u8]) -> Self {
        SharedPass {
            lane: Some(lane),
            record,
            done: 0,
        }
    }

    /// No pass to share: parts are hashed alone.
    pub fn none() -> SharedPass<'static> {
        SharedPass {
            lane: None,
            record: &[],
            done: 0,
        }
    }

    /// `body.update(part)`, in step with the record's digest when `part` is a slice of
    /// the record at or after what that digest has taken.
    pub fn hash_beside(&mut self, body: &mut Sha256, part: &[u8]) {
        if let Some(lane) = self.lane.as_deref_mut() {
            // Where `part` starts in the record, if it is in it (comparing addresses
            // only: the bytes hashed for the record are always the record's own).
            let at = (part.as_ptr() as usize).wrapping_sub(self.record.as_ptr() as usize);
            if at >= self.done && at <= self.record.len() && part.len() <= self.record.len() - at {
                lane.update(&self.record[self.done..at]);
                update_pair(lane, &self.record[at..at + part.len()], body, part);
                self.done = at + part.len();
                return;
            }
        }
        body.update(part);
    }
}

impl Drop for SharedPass<'_> {
    fn drop(&mut self) {
        if let Some(lane) = self.lane.as_deref_mut() {
            lane.update(&self.record[self.done..]);
        }
    }
}

/// Whether this CPU has the SHA extensions (checked once; the standard library caches it).
fn sha_ni() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("sse4.1")
            && std::arch::is_x86_feature_detected!("ssse3")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Hashes whole blocks (`blocks.len()` a multiple of 64).
fn compress(state: &mut [u32; 8], blocks: &[u8]) {
    if blocks.is_empty() {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if sha_ni() {
        // SAFETY: the CPU has the features `shani::compress` is compiled for.
        unsafe { shani::compress::<1>([state], [blocks]) };
        return;
    }
    portable(state, blocks);
}

/// Hashes two runs of whole blocks of the same length, in step where the CPU can.
fn compress_pair(a: &mut [u32; 8], a_blocks: &[u8], b: &mut [u32; 8], b_blocks: &[u8]) {
    debug_assert_eq!(a_blocks.len(), b_blocks.len());
    if a_blocks.is_empty() {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if sha_ni() {
        // SAFETY: as in `compress`.
        unsafe { shani::compress::<2>([a, b], [a_blocks, b_blocks]) };
        return;
    }
    portable(a, a_blocks);
    portable(b, b_blocks);
}

fn portable(state: &mut [u32; 8], blocks: &[u8]) {
    for block in blocks.chunks_exact(BLOCK) {
        sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
    }
}

#[cfg(target_arch = "x86_64")]
mod shani {
    use std::arch::x86_64::*;

    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    /// One lane's working state: the instructions keep ABEF and CDGH.
    #[derive(Clone, Copy)]
    struct Lane {
        abef: __m128i,
        cdgh: __m128i,
        /// The message schedule, four words a vector, in a ring of four.
        w: [__m128i; 4],
    }

    /// Hashes `N` runs of whole blocks of one length, a block of each lane per step:
    /// the lanes' round chains are independent, so the CPU overlaps them.
    ///
    /// # Safety
    /// The CPU must have SHA, SSE4.1 and SSSE3.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) unsafe fn compress<const N: usize>(states: [&mut [u32; 8]; N], blocks: [&[u8]; N]) {
        let bswap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203);
        let mut lanes = [Lane {
            abef: _mm_setzero_si128(),
            cdgh: _mm_setzero_si128(),
            w: [_mm_setzero_si128(); 4],
        }; N];
        for (lane, state) in lanes.iter_mut().zip(states.iter()) {
            // ABCD, EFGH → ABEF, CDGH.
            let abcd = _mm_shuffle_epi32(_mm_loadu_si128(state.as_ptr().cast()), 0xb1);
            let efgh = _mm_shuffle_epi32(_mm_loadu_si128(state.as_ptr().add(4).cast()), 0x1b);
            lane.abef = _mm_alignr_epi8(abcd, efgh, 8);
            lane.cdgh = _mm_blend_epi16(efgh, abcd, 0xf0);
        }
        let n = blocks[0].len() / 64;
        for i in 0..n {
            let saved: [(__m128i, __m128i); N] =
                std::array::from_fn(|l| (lanes[l].abef, lanes[l].cdgh));
            for (lane, b) in lanes.iter_mut().zip(blocks.iter()) {
                let p = b.as_ptr().add(i * 64).cast::<__m128i>();
                for j in 0..4 {
                    lane.w[j] = _mm_shuffle_epi8(_mm_loadu_si128(p.add(j)), bswap);
                }
            }
            // Unrolled, so every schedule index is a constant and the ring stays in
            // registers.
            macro_rules! groups {
                ($($g:literal)*) => {$(
                    for lane in lanes.iter_mut() {
                        four_rounds::<$g>(lane);
                    }
                )*};
            }
            groups!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
            for (lane, (abef, cdgh)) in lanes.iter_mut().zip(saved) {
                lane.abef = _mm_add_epi32(lane.abef, abef);
                lane.cdgh = _mm_add_epi32(lane.cdgh, cdgh);
            }
        }
        for (lane, state) in lanes.iter().zip(states) {
            // ABEF, CDGH → ABCD, EFGH.
            let feba = _mm_shuffle_epi32(lane.abef, 0x1b);
            let dchg = _mm_shuffle_epi32(lane.cdgh, 0xb1);
            _mm_storeu_si128(state.as_mut_ptr().cast(), _mm_blend_epi16(feba, dchg, 0xf0));
            _mm_storeu_si128(
                state.as_mut_ptr().add(4).cast(),
                _mm_alignr_epi8(dchg, feba, 8),
            );
        }
    }

    /// Rounds `4g..4g + 4`, and the schedule words they make ready: `W[g + 1]` from
    /// its partial (`sha256msg2`), and the partial of `W[g + 3]` (`sha256msg1`).
    #[inline(always)]
    unsafe fn four_rounds<const G: usize>(lane: &mut Lane) {
        let g = G;
        let k = _mm_loadu_si128(K.as_ptr().add(4 * g).cast());
        let msg = _mm_add_epi32(lane.w[g % 4], k);
        lane.cdgh = _mm_sha256rnds2_epu32(lane.cdgh, lane.abef, msg);
        if (3..15).contains(&g) {
            let next = (g + 1) % 4;
            let t = _mm_alignr_epi8(lane.w[g % 4], lane.w[(g + 3) % 4], 4);
            lane.w[next] = _mm_sha256msg2_epu32(_mm_add_epi32(lane.w[next], t), lane.w[g % 4]);
        }
        lane.abef = _mm_sha256rnds2_epu32(lane.abef, lane.cdgh, _mm_shuffle_epi32(msg, 0x0e));
        if (1..13).contains(&g) {
            let prev = (g + 3) % 4;
            lane.w[prev] = _mm_sha256msg1_epu32(lane.w[prev], lane.w[g % 4]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn reference(b: &[u8]) -> [u8; 32] {
        sha2::Sha256::digest(b).into()
    }

    fn data(n: usize, seed: u32) -> Vec<u8> {
        (0..n as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 13) as u8)
            .collect()
    }

    #[test]
    fn fips_180_vectors() {
        let hex = |d: [u8; 32]| hex::encode(d);
        let one = |b: &[u8]| {
            let mut h = Sha256::new();
            h.update(b);
            hex(h.finalize())
        };
        assert_eq!(
            one(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            one(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            one(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn any_split_agrees_with_sha2() {
        let d = data(1_000, 7);
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 129, 1_000] {
            let whole = &d[..n];
            for cut in [0, 1, 3, 63, 64, 65, n / 2, n] {
                let cut = cut.min(n);
                let mut h = Sha256::new();
                h.update(&whole[..cut]);
                h.update(&whole[cut..]);
                assert_eq!(h.finalize(), reference(whole), "len {n} cut {cut}");
            }
        }
    }

    #[test]
    fn pairs_agree_with_sha2_whatever_their_offsets() {
        let a_all = data(5_000, 1);
        let b_all = data(5_000, 2);
        for (a_start, b_start) in [(0, 0), (13, 0), (0, 100), (63, 1), (64, 64), (5, 9)] {
            for piece in [1, 17, 64, 100, 1_000, 4_000] {
                let mut a = Sha256::new();
                let mut b = Sha256::new();
                a.update(&a_all[..a_start]);
                b.update(&b_all[..b_start]);
                let (mut i, mut j) = (a_start, b_start);
                while i < a_all.len() || j < b_all.len() {
                    let ai = (i + piece).min(a_all.len());
                    let bj = (j + piece * 2 / 3 + 1).min(b_all.len());
                    update_pair(&mut a, &a_all[i..ai], &mut b, &b_all[j..bj]);
                    (i, j) = (ai, bj);
                }
                assert_eq!(a.len(), a_all.len() as u64);
                assert_eq!(a.finalize(), reference(&a_all), "a {a_start} {piece}");
                assert_eq!(b.finalize(), reference(&b_all), "b {b_start} {piece}");
            }
        }
    }

    #[test]
    fn portable_and_sha_ni_agree() {
        let d = data(64 * 9, 3);
        let mut x = H0;
        let mut y = H0;
        portable(&mut x, &d);
        compress(&mut y, &d);
        assert_eq!(x, y);
        let (mut p, mut q) = (H0, [1; 8]);
        compress_pair(&mut p, &d, &mut q, &d);
        let mut r = [1; 8];
        portable(&mut r, &d);
        assert_eq!((p, q), (x, r));
    }

    /// `cargo test --release -- --ignored sha256_pair_speed --nocapture`
    #[test]
    #[ignore]
    fn sha256_pair_speed() {
        let d = data(64 << 20, 5);
        let t = std::time::Instant::now();
        let mut a = Sha256::new();
        let mut b = Sha256::new();
        a.update(&d);
        b.update(&d);
        let one = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let mut c = Sha256::new();
        let mut e = Sha256::new();
        update_pair(&mut c, &d, &mut e, &d[1..]);
        let two = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let mut s = sha2::Sha256::new();
        s.update(&d);
        s.update(&d);
        let crate_one = t.elapsed().as_secs_f64();
        let mb = d.len() as f64 / 1e6;
        eprintln!(
            "two hashes one after the other {:.0} MB/s, in step {:.0} MB/s, sha2 crate {:.0} MB/s",
            2.0 * mb / one,
            2.0 * mb / two,
            2.0 * mb / crate_one
        );
        assert_eq!(a.finalize(), b.finalize());
        std::hint::black_box((c.finalize(), e.finalize(), s.finalize()));
    }
}
