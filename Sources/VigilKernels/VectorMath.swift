#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Eight-lane helpers shared by the kernels: unaligned loads and stores, partial (tail) loads,
/// and a vector `exp` accurate to a few ulp.
///
/// Kernels work on `SIMD8<Float>` so one code path serves SSE (two registers) and AVX (one).
/// Tails go through the same vector maths on a partly filled vector, so an element's result never
/// depends on where a loop was split (results are identical at any thread count).
typealias Float8 = SIMD8<Float>
typealias Float4 = SIMD4<Float>

@inline(__always)
func load8(_ pointer: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(pointer).loadUnaligned(as: Float8.self)
}

@inline(__always)
func load8(_ pointer: UnsafeMutablePointer<Float>) -> Float8 {
    UnsafeRawPointer(pointer).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store8(_ value: Float8, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Float8.self)
}

@inline(__always)
func load4(_ pointer: UnsafePointer<Float>) -> Float4 {
    UnsafeRawPointer(pointer).loadUnaligned(as: Float4.self)
}

@inline(__always)
func store4(_ value: Float4, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Float4.self)
}

/// Loads lanes 0..<count (count < 8); the others are `fill`.
///
/// A half-vector move and at most three scalars, each lane index a constant: a loop over
/// `value[lane]` compiles to a branch and an insert per lane (or a memcpy call), which made the
/// tails cost more than the vectors they finish.
@inline(__always)
func loadPartial(_ pointer: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> Float8 {
    var quad = Float4(repeating: fill)
    let whole = count >= 4
    let at = whole ? 4 : 0
    let rest = count - at
    if rest > 0 { quad[0] = pointer[at] }
    if rest > 1 { quad[1] = pointer[at + 1] }
    if rest > 2 { quad[2] = pointer[at + 2] }
    return whole ? Float8(lowHalf: load4(pointer), highHalf: quad) : Float8(lowHalf: quad, highHalf: Float4(repeating: fill))
}

/// Stores lanes 0..<count (count < 8), the same way `loadPartial` loads them.
@inline(__always)
func storePartial(_ value: Float8, _ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
    var quad = value.lowHalf
    var at = 0
    if count >= 4 {
        store4(quad, pointer)
        quad = value.highHalf
        at = 4
    }
    let rest = count - at
    if rest > 0 { pointer[at] = quad[0] }
    if rest > 1 { pointer[at + 1] = quad[1] }
    if rest > 2 { pointer[at + 2] = quad[2] }
}

/// Loads eight floats `stride` apart: contiguous for 1, deinterleaved for 2, gathered otherwise.
@inline(__always)
func loadStrided8(_ pointer: UnsafePointer<Float>, stride: Int) -> Float8 {
    switch stride {
    case 1:
        return load8(pointer)
    case 2:
        // Lanes 0, 2, ..., 14 from two overlapping loads, so nothing past lane 14 is read.
        let low = load8(pointer), high = load8(pointer + 7)
        return Float8(lowHalf: low.evenHalf, highHalf: high.oddHalf)
    default:
        var value = Float8()
        for lane in 0..<8 { value[lane] = pointer[lane * stride] }
        return value
    }
}

/// Lane-wise max, NaN in `a` propagating: `a < b ? b : a`.
///
/// On x86-64 that is exactly `maxps b, a` (it returns its second operand unless the first is
/// greater), called directly: written as a select, LLVM kept a compare-and-blend in the pooling
/// loops, three times the instructions.
@inline(__always)
func vmax(_ a: Float8, _ b: Float8) -> Float8 {
    #if arch(x86_64)
    Float8(lowHalf: _mm_max_ps(b.lowHalf, a.lowHalf), highHalf: _mm_max_ps(b.highHalf, a.highHalf))
    #else
    Float8(
        lowHalf: a.lowHalf.replacing(with: b.lowHalf, where: a.lowHalf .< b.lowHalf),
        highHalf: a.highHalf.replacing(with: b.highHalf, where: a.highHalf .< b.highHalf))
    #endif
}

/// Lane-wise min, NaN in `a` propagating: `b < a ? b : a`, which is `minps b, a` (see `vmax`).
@inline(__always)
func vmin(_ a: Float8, _ b: Float8) -> Float8 {
    #if arch(x86_64)
    Float8(lowHalf: _mm_min_ps(b.lowHalf, a.lowHalf), highHalf: _mm_min_ps(b.highHalf, a.highHalf))
    #else
    Float8(
        lowHalf: a.lowHalf.replacing(with: b.lowHalf, where: b.lowHalf .< a.lowHalf),
        highHalf: a.highHalf.replacing(with: b.highHalf, where: b.highHalf .< a.highHalf))
    #endif
}

/// `negative` where `x < 0`, else `positive`, lane by lane (in halves, see `vmax`).
@inline(__always)
func vselect(_ x: Float8, negative: Float8, positive: Float8) -> Float8 {
    Float8(
        lowHalf: positive.lowHalf.replacing(with: negative.lowHalf, where: x.lowHalf .< 0),
        highHalf: positive.highHalf.replacing(with: negative.highHalf, where: x.highHalf .< 0))
}

/// |x| by clearing the sign bits.
@inline(__always)
func vabs(_ x: Float8) -> Float8 {
    unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: Float8.self)
}

/// `magnitude` with the sign bits of `sign` (magnitude must be non-negative).
@inline(__always)
func vcopysign(_ magnitude: Float8, _ sign: Float8) -> Float8 {
    let signBits = unsafeBitCast(sign, to: SIMD8<UInt32>.self) & 0x8000_0000
    return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<UInt32>.self) | signBits, to: Float8.self)
}

/// e^x for eight lanes, relative error below 2e-7 over [-87.3, 88.3]; inputs are clamped to that range
/// (so exp(-inf) is about 1e-38 instead of 0, which never matters after normalisation).
///
/// Cody–Waite reduction x = n ln2 + r, a degree-6 polynomial for e^r (Cephes `expf` coefficients) and
/// 2^n built in the exponent bits. Rounding uses the 1.5 * 2^23 trick, which needs no SSE4.1.
@inline(__always)
func vexp(_ x: Float8) -> Float8 {
    let magic = Float8(repeating: 12_582_912)  // 1.5 * 2^23
    let clamped = vmin(vmax(x, Float8(repeating: -87.33654)), Float8(repeating: 88.37626))
    let shifted = clamped * Float8(repeating: 1.442_695_04) + magic
    let n = shifted - magic
    var r = clamped - n * Float8(repeating: 0.693_359_375)
    r = r - n * Float8(repeating: -2.121_944_4e-4)
    var p = Float8(repeating: 1.987_569_15e-4)
    p = p * r + Float8(repeating: 1.398_199_95e-3)
    p = p * r + Float8(repeating: 8.333_451_9e-3)
    p = p * r + Float8(repeating: 4.166_579_59e-2)
    p = p * r + Float8(repeating: 1.666_666_55e-1)
    p = p * r + Float8(repeating: 5.000_000_12e-1)
    p = p * (r * r) + r + Float8(repeating: 1)
    let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: Float8.self)
    return p * scale
}

/// Natural log of eight positive lanes via the scalar library (used off the hot paths only).
@inline(__always)
func vlog(_ x: Float8) -> Float8 {
    var result = Float8()
    for lane in 0..<8 { result[lane] = logf(x[lane]) }
    return result
}
