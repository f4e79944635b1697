import CFFmpeg

/// Converts decoded pictures (any pixel format, any size) to packed RGB24 with swscale.
///
/// The `SwsContext` is created once and reused while the input format, size, colour details and
/// output size stay the same (`sws_getCachedContext`). Flags are `SWS_BICUBIC | SWS_ACCURATE_RND |
/// SWS_FULL_CHR_H_INT`: bicubic for any resize, exact rounding, and chroma interpolated to full
/// horizontal resolution before the RGB conversion. That is what the ffmpeg CLI does with
/// `-sws_flags bicubic+accurate_rnd+full_chroma_int`, which the tests use to make reference
/// frames; without `full_chroma_int` chroma is nearest-neighbour and edges differ by tens of levels.
///
/// Colour details follow the CLI's scale filter (libavfilter/vf_scale.c, 5.1): the YCbCr matrix is
/// the frame's `colorspace` (BT.601 when unspecified), and the input range is the frame's
/// `color_range` when stated; otherwise swscale's own default stands (full range for the
/// deprecated `yuvj*` formats and for grey, limited range for other YUV).
final class RGBConverter {
    /// swscale flags (see the type's comment for why).
    static let flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT

    private struct Key: Equatable {
        var width: Int32, height: Int32, format: Int32
        var range: UInt32, colorspace: UInt32
        var output: FrameSize
    }

    private var context: OpaquePointer?
    private var key: Key?
    /// sws_scale's destination plane pointers and strides (4 each; only the first is used).
    private let destinationPlanes = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: 4)
    private let destinationStrides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)

    init() {
        destinationPlanes.initialize(repeating: nil, count: 4)
        destinationStrides.initialize(repeating: 0, count: 4)
    }

    deinit {
        sws_freeContext(context)
        destinationPlanes.deallocate()
        destinationStrides.deallocate()
    }

    /// Writes `frame` as `size.height` rows of `size.width × 3` bytes to `destination`.
    /// Returns false when swscale cannot convert this input.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, to size: FrameSize, into destination: UnsafeMutablePointer<UInt8>) -> Bool {
        let picture = frame.pointee
        let key = Key(width: picture.width, height: picture.height, format: picture.format,
                      range: picture.color_range.rawValue, colorspace: picture.colorspace.rawValue, output: size)
        if key != self.key {
            self.key = nil
            context = sws_getCachedContext(context, picture.width, picture.height, AVPixelFormat(rawValue: picture.format),
                                           Int32(size.width), Int32(size.height), AV_PIX_FMT_RGB24, Self.flags, nil, nil, nil)
            guard let context else { return false }
            Self.applyColourDetails(of: picture, to: context)
            self.key = key
        }
        destinationPlanes[0] = destination
        destinationStrides[0] = Int32(size.width * 3)
        let rows = withUnsafeMutablePointer(to: &frame.pointee.data) { data in
            withUnsafeMutablePointer(to: &frame.pointee.linesize) { strides in
                data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { planes in
                    strides.withMemoryRebound(to: Int32.self, capacity: 8) { lineSizes in
                        sws_scale(context, planes, lineSizes, 0, picture.height, destinationPlanes, destinationStrides)
                    }
                }
            }
        }
        return rows == Int32(size.height)
    }

    private static func applyColourDetails(of picture: AVFrame, to context: OpaquePointer) {
        var inverseTable: UnsafeMutablePointer<Int32>?
        var table: UnsafeMutablePointer<Int32>?
        var sourceRange: Int32 = 0, destinationRange: Int32 = 0
        var brightness: Int32 = 0, contrast: Int32 = 0, saturation: Int32 = 0
        guard sws_getColorspaceDetails(context, &inverseTable, &sourceRange, &table, &destinationRange,
                                       &brightness, &contrast, &saturation) >= 0 else { return }  // not YUV/RGB: nothing to set
        // AVColorSpace values are the SWS_CS_* indices; out-of-table values mean BT.601 (as vf_scale).
        var colorspace = Int32(picture.colorspace.rawValue)
        if colorspace < 1 || colorspace > 10 || colorspace == 8 { colorspace = Int32(AVCOL_SPC_BT470BG.rawValue) }
        let coefficients = sws_getCoefficients(colorspace)
        if picture.color_range != AVCOL_RANGE_UNSPECIFIED {
            sourceRange = picture.color_range == AVCOL_RANGE_JPEG ? 1 : 0
        }
        sws_setColorspaceDetails(context, coefficients, sourceRange, coefficients, destinationRange,
                                 brightness, contrast, saturation)
    }
}
