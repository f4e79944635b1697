#pragma once
// FFmpeg (Debian 12: libavformat 59, libavcodec 59, libswscale 6) for Swift.
// The shim only wraps what does not import: function-like macros and macro constants.
#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/// AVERROR(e): a POSIX errno as an FFmpeg error code.
static inline int vigil_averror(int posixError) { return AVERROR(posixError); }
/// AVERROR_EOF: the end of the input.
static inline int vigil_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR_EXIT: an operation the interrupt callback aborted.
static inline int vigil_averror_exit(void) { return AVERROR_EXIT; }
/// AVERROR_INVALIDDATA: the input is not what the demuxer or decoder expects.
static inline int vigil_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/// AVERROR_DECODER_NOT_FOUND.
static inline int vigil_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
/// AVERROR_STREAM_NOT_FOUND.
static inline int vigil_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t vigil_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_PKT_FLAG_KEY: the packet holds a keyframe.
static inline int vigil_pkt_flag_key(void) { return AV_PKT_FLAG_KEY; }
