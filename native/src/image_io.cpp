// Image codecs (PNG, JPEG, BMP, TIFF) over OpenCV imgcodecs: decode a byte buffer to an HxWxC tensor and
// encode an HxWxC tensor to a byte buffer (returned as a 1-D uint8 tensor).
//
// Decoding follows IMREAD_UNCHANGED: 8-bit -> uint8, 16-bit -> int32 (libtorch 1.13 has no uint16; values are
// never squashed to 8 bits), signed 16-bit -> int16, 32-bit float -> float32; BGR(A) -> RGB(A); grayscale keeps
// one channel. Truncated PNG/JPEG files are rejected (OpenCV may return a partial image with only a warning).
#include "common.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <mutex>
#include <stdexcept>

using namespace medlearn;

namespace {

// OpenCV must not start its own thread pool: MedLearn parallelises per image.
void init_opencv() {
  static std::once_flag once;
  std::call_once(once, [] {
    cv::setNumThreads(1);
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
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
    for (int64_t i = 0; i + 1 < len; ++i) {
      if (b[i] != 0xFF) continue;
      if (b[i + 1] == 0xDA) last_sos = i;
      else if (b[i + 1] == 0xD9) last_eoi = i;
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

}  // namespace

// Decodes an encoded image (PNG/JPEG/BMP/TIFF/...; first page of a multi-page TIFF) to an HxWxC tensor.
// reduce: 1 (full size), 2, 4 or 8 (JPEG: libjpeg's fast reduced-size decode; others: area downscale).
// bits_out receives the bits per sample of the source (8, 16, 32 or 64).
ML_API ml_tensor ml_image_decode(const uint8_t* bytes, int64_t len, int32_t reduce, int32_t* bits_out) {
  ML_GUARD(nullptr, {
    init_opencv();
    if (!bytes || len <= 0) fail("empty image buffer");
    if (reduce != 1 && reduce != 2 && reduce != 4 && reduce != 8) fail("reduce must be 1, 2, 4 or 8");
    check_complete(bytes, len);
    cv::Mat buf(1, static_cast<int>(std::min<int64_t>(len, INT32_MAX)), CV_8U, const_cast<uint8_t*>(bytes));
    cv::Mat img;
    if (reduce > 1 && is_jpeg(bytes, len)) {
      bool gray = jpeg_components(bytes, len) == 1;
      int flag = gray ? (reduce == 2 ? cv::IMREAD_REDUCED_GRAYSCALE_2 : reduce == 4 ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_GRAYSCALE_8)
                      : (reduce == 2 ? cv::IMREAD_REDUCED_COLOR_2 : reduce == 4 ? cv::IMREAD_REDUCED_COLOR_4 : cv::IMREAD_REDUCED_COLOR_8);
      img = cv::imdecode(buf, flag);
    } else {
      img = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
      if (!img.empty() && reduce > 1) {
        cv::Mat small;
        cv::resize(img, small, cv::Size(std::max(1, img.cols / reduce), std::max(1, img.rows / reduce)), 0, 0, cv::INTER_AREA);
        img = small;
      }
    }
    if (img.empty()) fail("cannot decode image: unknown format or corrupt data");
    int channels = img.channels();
    if (channels == 3) cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
    else if (channels == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2RGBA);
    else if (channels != 1 && channels != 2) fail("unsupported channel count " + std::to_string(channels));
    int32_t bits = 8;
    auto type = tensor_type(img.depth(), &bits);
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
