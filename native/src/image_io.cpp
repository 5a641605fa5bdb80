// Image codecs (PNG, JPEG, BMP, TIFF) over OpenCV imgcodecs: decode a byte buffer to an HxWxC tensor and
// encode an HxWxC tensor to a byte buffer (returned as a 1-D uint8 tensor).
//
// Decoding follows IMREAD_UNCHANGED: 8-bit -> uint8, 16-bit -> int32 (libtorch 1.13 has no uint16; values are
// never squashed to 8 bits), signed 16-bit -> int16, 32-bit float -> float32; BGR(A) -> RGB(A); grayscale keeps
// one channel. Truncated PNG/JPEG files are rejected (OpenCV may return a partial image with only a warning).
#include "common.h"
#include "png_decode.h"
#include "stderr_capture.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <csetjmp>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <jpeglib.h>

using namespace medlearn;

namespace {

// OpenCV must not start its own thread pool: MedLearn parallelises per image.
void init_opencv() {
  static std::once_flag once;
  std::call_once(once, [] {
    cv::setNumThreads(1);
    // OpenCV logs decode failures ("imdecode_(''): can't read data") on stderr: a library stays silent; the
    // failure itself reaches the caller as an error.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  });
}

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

bool starts_with(const uint8_t* b, int64_t len, std::initializer_list<uint8_t> magic) {
  if (len < static_cast<int64_t>(magic.size())) return false;
  size_t i = 0;
  for (auto m : magic)
    if (b[i++] != m) return false;
  return true;
}

bool is_jpeg(const uint8_t* b, int64_t len) { return starts_with(b, len, {0xFF, 0xD8, 0xFF}); }
bool is_png(const uint8_t* b, int64_t len) { return starts_with(b, len, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}); }
bool is_bmp(const uint8_t* b, int64_t len) { return starts_with(b, len, {'B', 'M'}); }

uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }

// Rejects files OpenCV would decode only partially.
void check_complete(const uint8_t* b, int64_t len) {
  if (is_jpeg(b, len)) {
    // Entropy-coded data stuffs 0xFF as FF 00, so FF DA (start of scan) and FF D9 (end of image) only occur as
    // markers. The end-of-image marker must follow the last scan (an EXIF thumbnail's EOI precedes it).
    int64_t last_sos = -1, last_eoi = -1;
    for (const uint8_t* p = b; p + 1 < b + len;) {
      p = static_cast<const uint8_t*>(std::memchr(p, 0xFF, static_cast<size_t>(b + len - 1 - p)));
      if (!p) break;
      if (p[1] == 0xDA) last_sos = p - b;
      else if (p[1] == 0xD9) last_eoi = p - b;
      ++p;
    }
    if (last_sos < 0) fail("truncated or corrupt JPEG: no start-of-scan marker");
    if (last_eoi < last_sos) fail("truncated JPEG: no end-of-image marker (FF D9) after the last scan");
  } else if (is_png(b, len)) {
    // The IEND chunk (length 0, type "IEND", CRC AE 42 60 82) ends every complete PNG; allow trailing bytes.
    static const uint8_t iend[] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    bool found = false;
    for (int64_t i = len - static_cast<int64_t>(sizeof(iend)); i >= 8 && !found; --i)
      found = std::memcmp(b + i, iend, sizeof(iend)) == 0;
    if (!found) fail("truncated PNG: no IEND chunk");
  } else if (is_bmp(b, len)) {
    if (len < 54) fail("truncated BMP: header incomplete");
    uint32_t offset = le32(b + 10);
    if (offset > len) fail("truncated BMP: pixel data offset beyond the end of the file");
    uint32_t declared = le32(b + 2);
    if (declared > static_cast<uint32_t>(len) && declared < (1u << 31)) fail("truncated BMP: file shorter than its declared size");
  }
}

// Number of components of a JPEG from its SOFn marker (0 if not found).
int jpeg_components(const uint8_t* b, int64_t len) {
  int64_t i = 2;
  while (i + 4 <= len) {
    if (b[i] != 0xFF) return 0;
    uint8_t m = b[i + 1];
    if (m == 0xFF) { ++i; continue; }
    int64_t seg = (b[i + 2] << 8) | b[i + 3];
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) return i + 9 < len ? b[i + 9] : 0;
    if (m == 0xDA) return 0;
    i += 2 + seg;
  }
  return 0;
}

bool is_tiff(const uint8_t* b, int64_t len) {
  return starts_with(b, len, {'I', 'I', 42, 0}) || starts_with(b, len, {'M', 'M', 0, 42});
}

// The first IFD's fields that decide whether OpenCV decodes a TIFF correctly (-1 when absent).
struct TiffFields {
  int photometric = -1, bits = -1, samples = 1, planar = 1, sample_format = 1;
};

TiffFields tiff_fields(const uint8_t* b, int64_t len) {
  TiffFields f;
  if (!is_tiff(b, len) || len < 8) return f;
  const bool le = b[0] == 'I';
  auto u16 = [&](int64_t o) -> uint32_t { return le ? (b[o] | (b[o + 1] << 8)) : ((b[o] << 8) | b[o + 1]); };
  auto u32 = [&](int64_t o) -> uint32_t { return le ? le32(b + o) : (static_cast<uint32_t>(b[o]) << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]); };
  const int64_t ifd = u32(4);
  if (ifd < 8 || ifd + 2 > len) return f;
  const int64_t n = u16(ifd);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t e = ifd + 2 + 12 * i;
    if (e + 12 > len) break;
    const uint32_t tag = u16(e), type = u16(e + 2), count = u32(e + 4);
    // SHORT values sit left-justified in the value field; with several samples the first is representative
    const int value = static_cast<int>(type == 3 ? u16(e + 8) : u32(e + 8));
    const bool inline_value = (type == 3 && count <= 2) || (type == 4 && count == 1);
    switch (tag) {
      case 262: f.photometric = value; break;
      case 258: f.bits = inline_value ? value : 16; break;  // several samples stored elsewhere: assume wide
      case 277: f.samples = value; break;
      case 284: f.planar = value; break;
      case 339: f.sample_format = inline_value ? value : f.sample_format; break;
    }
  }
  return f;
}

// TIFF layouts OpenCV 4.6 decodes wrongly or not at all: refused by design, in our words, before OpenCV runs
// (it would print to stderr and fail, or return wrong values for uint32).
void check_tiff_supported(const uint8_t* b, int64_t len) {
  if (!is_tiff(b, len)) return;
  const auto f = tiff_fields(b, len);
  if (f.samples > 1 && f.planar == 2 && f.bits > 8)
    fail("planar (PlanarConfiguration 2) colour TIFF with more than 8 bits per sample is not supported; save it interleaved");
  if (f.sample_format == 1 && f.bits == 32)
    fail("unsigned 32-bit integer TIFF is not supported (OpenCV cannot hold uint32 exactly); save it as float32 or 16-bit");
  if (f.bits == 64 && f.samples > 1)
    fail("64-bit float colour TIFF is not supported; save it as float32");
}

at::ScalarType tensor_type(int depth, int32_t* bits) {
  switch (depth) {
    case CV_8U: *bits = 8; return at::kByte;
    case CV_8S: *bits = 8; return at::kChar;
    case CV_16U: *bits = 16; return at::kInt;
    case CV_16S: *bits = 16; return at::kShort;
    case CV_32S: *bits = 32; return at::kInt;
    case CV_32F: *bits = 32; return at::kFloat;
    case CV_64F: *bits = 64; return at::kDouble;
    default: fail("unsupported pixel depth");
  }
}


// ---- libjpeg-turbo direct path: RGB (or gray) rows straight into the tensor, optional region and DCT scaling ----
// libjpeg reports fatal errors through error_exit, which must not return (the default calls exit()): ours
// longjmps back to the setjmp in the POD-only function that called libjpeg, which then reports failure.
struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit_jump(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

void jpeg_silent(j_common_ptr) {}  // warnings (e.g. extraneous bytes) are not errors; truncation is checked up front

struct JpegHeader {
  int height = 0, width = 0, components = 0;
};

// Output of one region decode; plain data so that a longjmp cannot skip a destructor.
struct JpegRegion {
  int64_t top, left, height, width;  // in the scaled image
  int reduce;
  uint8_t* out;                      // height x width x channels, or channels x height x width when planar
  int channels;
  bool planar;
  uint8_t* rowbuf;                   // scaled image width x channels (owned by the caller)
};

void jpeg_setup(jpeg_decompress_struct* cinfo, JpegError* err, const uint8_t* bytes, int64_t len) {
  cinfo->err = jpeg_std_error(&err->mgr);
  err->mgr.error_exit = jpeg_error_exit_jump;
  err->mgr.output_message = jpeg_silent;
  err->message[0] = 0;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, bytes, static_cast<unsigned long>(len));
}

// Reads the header. Returns false (message in err) on a libjpeg error.
bool jpeg_read_info(const uint8_t* bytes, int64_t len, JpegHeader* h, JpegError* err) {
  jpeg_decompress_struct cinfo;
  jpeg_setup(&cinfo, err, bytes, len);
  if (setjmp(err->jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_read_header(&cinfo, TRUE);
  h->height = static_cast<int>(cinfo.image_height);
  h->width = static_cast<int>(cinfo.image_width);
  h->components = cinfo.num_components;
  jpeg_destroy_decompress(&cinfo);
  return true;
}

// Decodes rows [top, top+height) x columns [left, left+width) of the image scaled by 1/reduce into r->out.
// Columns: jpeg_crop_scanline decodes only the iMCU columns covering the window, widened by 2 pixels on each side
// so that the edge columns of the requested box still see their real neighbours in chroma upsampling. Rows above
// the box are skipped (entropy-decoded only); decoding stops after the box's last row.
bool jpeg_decode_region(const uint8_t* bytes, int64_t len, JpegRegion* r, JpegError* err) {
  jpeg_decompress_struct cinfo;
  jpeg_setup(&cinfo, err, bytes, len);
  if (setjmp(err->jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = r->channels == 1 ? JCS_GRAYSCALE : JCS_EXT_RGB;
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(r->reduce);
  jpeg_start_decompress(&cinfo);
  int64_t ow = cinfo.output_width, oh = cinfo.output_height;
  if (r->top < 0 || r->left < 0 || r->height <= 0 || r->width <= 0 || r->top + r->height > oh || r->left + r->width > ow) {
    std::snprintf(err->message, sizeof(err->message), "JPEG region [%lld, %lld, %lld, %lld] (top, left, height, width) outside the %lldx%lld image",
                  (long long)r->top, (long long)r->left, (long long)r->height, (long long)r->width, (long long)oh, (long long)ow);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  JDIMENSION xoff = 0, xwidth = static_cast<JDIMENSION>(ow);
  if (r->left > 0 || r->width < ow) {
    int64_t x0 = std::max<int64_t>(0, r->left - 2), x1 = std::min<int64_t>(ow, r->left + r->width + 2);
    xoff = static_cast<JDIMENSION>(x0);
    xwidth = static_cast<JDIMENSION>(x1 - x0);
    jpeg_crop_scanline(&cinfo, &xoff, &xwidth);  // xoff moves down to an iMCU boundary, xwidth grows to match
  }
  const int64_t c = r->channels;
  const int64_t skip_cols = r->left - static_cast<int64_t>(xoff);
  const bool direct = !r->planar && xoff == static_cast<JDIMENSION>(r->left) && xwidth == static_cast<JDIMENSION>(r->width);
  const int64_t plane = r->height * r->width;
  if (r->top > 0) {
    JDIMENSION skipped = jpeg_skip_scanlines(&cinfo, static_cast<JDIMENSION>(r->top));
    if (skipped != static_cast<JDIMENSION>(r->top)) {
      std::snprintf(err->message, sizeof(err->message), "JPEG: could not skip to row %lld", (long long)r->top);
      jpeg_destroy_decompress(&cinfo);
      return false;
    }
  }
  for (int64_t y = 0; y < r->height; ++y) {
    uint8_t* dst = r->planar ? r->out + y * r->width : r->out + y * r->width * c;
    JSAMPROW row = direct ? dst : r->rowbuf;
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
      std::snprintf(err->message, sizeof(err->message), "JPEG: premature end of data at row %lld", (long long)(r->top + y));
      jpeg_destroy_decompress(&cinfo);
      return false;
    }
    const uint8_t* src = r->rowbuf + skip_cols * c;
    if (r->planar && c == 3) {
      // de-interleave the row (still in L1) into the three planes: no separate HWC->CHW pass over the image
      uint8_t* p0 = dst;
      uint8_t* p1 = dst + plane;
      uint8_t* p2 = dst + 2 * plane;
      for (int64_t x = 0; x < r->width; ++x) {
        p0[x] = src[3 * x];
        p1[x] = src[3 * x + 1];
        p2[x] = src[3 * x + 2];
      }
    } else if (!direct) {
      std::memcpy(dst, src, static_cast<size_t>(r->width * c));
    }
  }
  jpeg_abort_decompress(&cinfo);  // the rows below the box are not needed
  jpeg_destroy_decompress(&cinfo);
  return true;
}

int64_t scaled(int64_t size, int reduce) { return (size + reduce - 1) / reduce; }

// Decodes a region (in scaled coordinates) of a 1- or 3-component JPEG into a new HxWxC uint8 tensor.
at::Tensor jpeg_region_tensor(const uint8_t* bytes, int64_t len, int64_t top, int64_t left, int64_t height, int64_t width, int reduce,
                              bool planar = false) {
  JpegError err;
  JpegHeader h;
  if (!jpeg_read_info(bytes, len, &h, &err)) fail(std::string("cannot decode JPEG: ") + err.message);
  if (h.components != 1 && h.components != 3) fail("JPEG region decode supports 1 or 3 components, got " + std::to_string(h.components));
  int channels = h.components == 1 ? 1 : 3;
  auto t = planar ? at::empty({channels, height, width}, at::TensorOptions().dtype(at::kByte))
                  : at::empty({height, width, channels}, at::TensorOptions().dtype(at::kByte));
  std::vector<uint8_t> rowbuf(static_cast<size_t>(scaled(h.width, reduce)) * channels);
  JpegRegion r{top, left, height, width, reduce, t.data_ptr<uint8_t>(), channels, planar, rowbuf.data()};
  if (!jpeg_decode_region(bytes, len, &r, &err)) fail(std::string("cannot decode JPEG: ") + err.message);
  return t;
}

}  // namespace

// Decodes an encoded image (PNG/JPEG/BMP/TIFF/...; first page of a multi-page TIFF) to an HxWxC tensor.
// reduce: 1 (full size), 2, 4 or 8 (JPEG: libjpeg's fast reduced-size decode; others: area downscale).
// flags: 1 = a PNG palette that is all grey gives one channel; 2 = a MINISWHITE TIFF is inverted (max - x; OpenCV
// already inverts 8-bit ones, this covers 16-bit). PNGs go through libpng directly (png_decode.cpp): its warnings are
// returned through *warnings_out (may be null), never printed.
// bits_out receives the bits per sample of the source (8, 16, 32 or 64).
ML_API ml_tensor ml_image_decode(const uint8_t* bytes, int64_t len, int32_t reduce, int32_t flags, int32_t* bits_out) {
  ML_GUARD(nullptr, {
    init_opencv();
    if (!bytes || len <= 0) fail("empty image buffer");
    if (reduce != 1 && reduce != 2 && reduce != 4 && reduce != 8) fail("reduce must be 1, 2, 4 or 8");
    check_complete(bytes, len);
    if (is_png(bytes, len)) {
      std::string warnings;  // libpng's (e.g. an incorrect sRGB profile): not errors, and not for the console
      int32_t bits = 8;
      auto t = png_decode(bytes, len, (flags & 1) != 0, &bits, &warnings);
      if (reduce > 1) {
        const int c = static_cast<int>(t.size(2));
        cv::Mat src;
        if (bits == 16) {
          cv::Mat wide(static_cast<int>(t.size(0)), static_cast<int>(t.size(1)), CV_MAKETYPE(CV_32S, c), t.data_ptr());
          wide.convertTo(src, CV_MAKETYPE(CV_16U, c));
        } else {
          src = cv::Mat(static_cast<int>(t.size(0)), static_cast<int>(t.size(1)), CV_MAKETYPE(CV_8U, c), t.data_ptr());
        }
        cv::Mat small;
        cv::resize(src, small, cv::Size(std::max(1, src.cols / reduce), std::max(1, src.rows / reduce)), 0, 0, cv::INTER_AREA);
        if (bits == 16) small.convertTo(small, CV_MAKETYPE(CV_32S, c));
        auto r = at::empty({small.rows, small.cols, c}, bits == 16 ? at::kInt : at::kByte);
        std::memcpy(r.data_ptr(), small.data, small.total() * small.elemSize());
        t = r;
      }
      if (bits_out) *bits_out = bits;
      return wrap(std::move(t));
    }
    if (is_jpeg(bytes, len)) {
      // libjpeg-turbo straight to RGB in the tensor (same library and settings as OpenCV: ISLOW IDCT, fancy
      // upsampling, so the pixels equal OpenCV's); CMYK/YCCK JPEGs fall through to OpenCV.
      JpegError err;
      JpegHeader h;
      if (!jpeg_read_info(bytes, len, &h, &err)) fail(std::string("cannot decode image: ") + err.message);
      if (h.components == 1 || h.components == 3) {
        auto t = jpeg_region_tensor(bytes, len, 0, 0, scaled(h.height, reduce), scaled(h.width, reduce), reduce);
        if (bits_out) *bits_out = 8;
        return wrap(std::move(t));
      }
    }
    check_tiff_supported(bytes, len);
    cv::Mat buf(1, static_cast<int>(std::min<int64_t>(len, INT32_MAX)), CV_8U, const_cast<uint8_t*>(bytes));
    cv::Mat img;
    medlearn::CerrCapture cerr_capture;  // OpenCV prints decode failures on std::cerr: keep them for the error
    std::string decoder_text;
    if (reduce > 1 && is_jpeg(bytes, len)) {
      bool gray = jpeg_components(bytes, len) == 1;
      int flag = gray ? (reduce == 2 ? cv::IMREAD_REDUCED_GRAYSCALE_2 : reduce == 4 ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_GRAYSCALE_8)
                      : (reduce == 2 ? cv::IMREAD_REDUCED_COLOR_2 : reduce == 4 ? cv::IMREAD_REDUCED_COLOR_4 : cv::IMREAD_REDUCED_COLOR_8);
      img = cv::imdecode(buf, flag);
    } else {
      img = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
      decoder_text = cerr_capture.text();
      if (!img.empty() && reduce > 1) {
        cv::Mat small;
        cv::resize(img, small, cv::Size(std::max(1, img.cols / reduce), std::max(1, img.rows / reduce)), 0, 0, cv::INTER_AREA);
        img = small;
      }
    }
    if (img.empty()) {
      if (decoder_text.empty()) decoder_text = cerr_capture.text();
      fail("cannot decode image: unknown format or corrupt data" + (decoder_text.empty() ? std::string() : " (decoder: " + decoder_text + ")"));
    }
    int channels = img.channels();
    if (channels == 3) cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
    else if (channels == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2RGBA);
    else if (channels != 1 && channels != 2) fail("unsupported channel count " + std::to_string(channels));
    int32_t bits = 8;
    auto type = tensor_type(img.depth(), &bits);
    if ((flags & 2) && channels == 1 && img.depth() == CV_16U && tiff_fields(bytes, len).photometric == 0)
      cv::subtract(cv::Scalar(65535), img, img);  // MINISWHITE: 0 is white
    if (img.depth() == CV_16U) img.convertTo(img, CV_32S);
    if (!img.isContinuous()) img = img.clone();
    auto t = at::empty({img.rows, img.cols, channels}, at::TensorOptions().dtype(type));
    std::memcpy(t.data_ptr(), img.data, img.total() * img.elemSize());
    if (bits_out) *bits_out = bits;
    return wrap(std::move(t));
  });
}

// Encodes an HxWxC (C = 1, 3 RGB or 4 RGBA) CPU tensor. ext: ".png", ".jpg", ".bmp", ".tif".
// uint8 -> 8-bit; int16/int32/int64 with values in [0, 65535] -> 16-bit (PNG/TIFF only); float32 -> TIFF only.
// param: JPEG quality (0-100) or PNG compression level (0-9); negative = OpenCV's default.
// Returns the encoded bytes as a 1-D uint8 tensor.
ML_API ml_tensor ml_image_encode(ml_tensor image, const char* ext, int32_t param) {
  ML_GUARD(nullptr, {
    init_opencv();
    at::Tensor t = image->detach().cpu();
    if (t.dim() != 3) fail("image encode expects an HxWxC tensor");
    int64_t h = t.size(0), w = t.size(1), c = t.size(2);
    if (c != 1 && c != 3 && c != 4) fail("image encode expects 1, 3 or 4 channels, got " + std::to_string(c));
    if (h <= 0 || w <= 0 || h > INT32_MAX || w > INT32_MAX) fail("image encode: empty or oversized image");
    std::string e = ext ? ext : "";
    for (auto& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool jpeg = e == ".jpg" || e == ".jpeg";
    int depth;
    switch (t.scalar_type()) {
      case at::kByte: depth = CV_8U; break;
      case at::kShort:
      case at::kInt:
      case at::kLong: {
        if (t.numel() > 0) {
          auto mm = at::aminmax(t);
          int64_t lo = std::get<0>(mm).item<int64_t>(), hi = std::get<1>(mm).item<int64_t>();
          if (lo < 0 || hi > 65535) fail("16-bit image values must lie in [0, 65535], got [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        }
        t = t.to(at::kInt);
        depth = CV_16U;
        break;
      }
      case at::kFloat: depth = CV_32F; break;
      default: fail("image encode: unsupported dtype (use uint8, int32 for 16-bit, or float32 for TIFF)");
    }
    if (jpeg && depth != CV_8U) fail("JPEG stores only 8-bit images");
    if (depth == CV_32F && e != ".tif" && e != ".tiff") fail("float images can only be written as TIFF");
    t = t.contiguous();
    cv::Mat mat;
    if (depth == CV_16U) {
      cv::Mat wide(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(CV_32S, static_cast<int>(c)), t.data_ptr());
      wide.convertTo(mat, CV_MAKETYPE(CV_16U, static_cast<int>(c)));
    } else {
      mat = cv::Mat(static_cast<int>(h), static_cast<int>(w), CV_MAKETYPE(depth, static_cast<int>(c)), t.data_ptr()).clone();
    }
    if (c == 3) cv::cvtColor(mat, mat, cv::COLOR_RGB2BGR);
    else if (c == 4) cv::cvtColor(mat, mat, cv::COLOR_RGBA2BGRA);
    std::vector<int> params;
    if (jpeg && param >= 0) params = {cv::IMWRITE_JPEG_QUALITY, std::min(100, param)};
    if (e == ".png" && param >= 0) params = {cv::IMWRITE_PNG_COMPRESSION, std::min(9, param)};
    std::vector<uchar> out;
    if (!cv::imencode(e, mat, out, params)) fail("cannot encode image as " + e);
    auto bytes = at::empty({static_cast<int64_t>(out.size())}, at::TensorOptions().dtype(at::kByte));
    std::memcpy(bytes.data_ptr(), out.data(), out.size());
    return wrap(std::move(bytes));
  });
}

// JPEG header: writes height, width and component count. Returns 1 for a readable JPEG header, 0 when the buffer
// is not a JPEG, -1 on error (message in the last error).
ML_API int32_t ml_jpeg_info(const uint8_t* bytes, int64_t len, int64_t* height, int64_t* width, int32_t* components) {
  ML_GUARD(-1, {
    if (!bytes || !is_jpeg(bytes, len)) return 0;
    JpegError err;
    JpegHeader h;
    if (!jpeg_read_info(bytes, len, &h, &err)) {
      check_complete(bytes, len);  // a file cut inside its header: say "truncated"
      fail(std::string("cannot read JPEG header: ") + err.message);
    }
    *height = h.height;
    *width = h.width;
    *components = h.components;
    return 1;
  });
}

// Decodes rows [top, top+height) x columns [left, left+width) of a 1- or 3-component JPEG decoded at 1/reduce
// (reduce 1, 2, 4, 8: libjpeg DCT scaling; the scaled image is ceil(H/reduce) x ceil(W/reduce) and the box is in
// its coordinates) into a new HxWxC uint8 tensor (C = 3 RGB or 1 gray), or CxHxW when planar != 0 (de-interleaved
// row by row while decoding). Truncated files are rejected.
ML_API ml_tensor ml_jpeg_decode_region(const uint8_t* bytes, int64_t len, int64_t top, int64_t left, int64_t height,
                                       int64_t width, int32_t reduce, int32_t planar) {
  ML_GUARD(nullptr, {
    if (!bytes || len <= 0) fail("empty image buffer");
    if (reduce != 1 && reduce != 2 && reduce != 4 && reduce != 8) fail("reduce must be 1, 2, 4 or 8");
    if (!is_jpeg(bytes, len)) fail("not a JPEG");
    check_complete(bytes, len);
    return wrap(jpeg_region_tensor(bytes, len, top, left, height, width, reduce, planar != 0));
  });
}
