// PNG decoding straight through libpng (not OpenCV): libpng's warnings and errors go to our callbacks instead of
// the process's stderr, 16-bit samples are widened row by row into the int32 tensor (no 16-bit copy of the whole
// image), and a palette image whose palette is all grey can come back with one channel.
//
// libpng reports fatal errors by longjmp: the functions calling libpng keep only plain data on their frames (no
// destructors skipped); tensors are allocated between the two phases (header, then rows).
#include "png_decode.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace medlearn {
namespace {

struct PngState {
  const uint8_t* bytes;
  size_t len;
  size_t pos;
  char error[256];
  char warnings[256];
};

void png_read_from_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* s = static_cast<PngState*>(png_get_io_ptr(png));
  if (s->pos + n > s->len) png_error(png, "truncated PNG: the data ends inside a chunk");
  std::memcpy(out, s->bytes + s->pos, n);
  s->pos += n;
}

void png_error_jump(png_structp png, png_const_charp message) {
  auto* s = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(s->error, sizeof s->error, "%s", message);
  longjmp(png_jmpbuf(png), 1);
}

void png_warning_keep(png_structp png, png_const_charp message) {
  auto* s = static_cast<PngState*>(png_get_error_ptr(png));
  size_t used = std::strlen(s->warnings);
  if (used + 3 < sizeof s->warnings) std::snprintf(s->warnings + used, sizeof s->warnings - used, "%s%s", used ? "; " : "", message);
}

struct PngHeader {
  png_uint_32 width, height;
  int bit_depth, color_type, channels;  // channels after our transforms
  bool grey_palette;
};

// Phase 1: signature + header chunks, transforms set. Returns false (message in s->error) on a libpng error.
bool png_begin(png_structp png, png_infop info, PngState* s, PngHeader* h, bool keep_grey_palette) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_read_fn(png, s, png_read_from_memory);
#ifdef PNG_SKIP_sRGB_CHECK_PROFILE
  png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
#endif
  png_read_info(png, info);
  int interlace = 0, compression = 0, filter = 0;
  png_get_IHDR(png, info, &h->width, &h->height, &h->bit_depth, &h->color_type, &interlace, &compression, &filter);
  const bool trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  h->grey_palette = false;
  if (h->color_type == PNG_COLOR_TYPE_PALETTE) {
    png_colorp palette = nullptr;
    int count = 0;
    png_get_PLTE(png, info, &palette, &count);
    bool grey = !trns && count > 0;
    for (int i = 0; grey && i < count; ++i) grey = palette[i].red == palette[i].green && palette[i].green == palette[i].blue;
    h->grey_palette = grey && keep_grey_palette;
    png_set_palette_to_rgb(png);
  }
  if (h->color_type == PNG_COLOR_TYPE_GRAY && h->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (trns) png_set_tRNS_to_alpha(png);
  // grey + alpha becomes RGBA (MedLearn's layouts are 1, 3 or 4 channels)
  if (h->color_type == PNG_COLOR_TYPE_GRAY_ALPHA || (h->color_type == PNG_COLOR_TYPE_GRAY && trns)) png_set_gray_to_rgb(png);
  if (h->bit_depth == 16) png_set_swap(png);  // little-endian host
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  h->channels = png_get_channels(png, info);
  h->bit_depth = png_get_bit_depth(png, info);
  return true;
}

// Phase 2: all rows into `out` (rowbytes each). Returns false on a libpng error.
bool png_rows(png_structp png, png_infop info, png_bytep* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  return true;
}

struct PngGuard {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngGuard() {
    if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
  }
};

}  // namespace

at::Tensor png_decode(const uint8_t* bytes, int64_t len, bool keep_grey_palette, int32_t* bits_out, std::string* warnings) {
  PngState s{bytes, static_cast<size_t>(len), 0, {0}, {0}};
  PngGuard g;
  g.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &s, png_error_jump, png_warning_keep);
  if (!g.png) throw std::runtime_error("cannot decode PNG: libpng could not start");
  g.info = png_create_info_struct(g.png);
  if (!g.info) throw std::runtime_error("cannot decode PNG: libpng could not start");
  PngHeader h{};
  if (!png_begin(g.png, g.info, &s, &h, keep_grey_palette)) throw std::runtime_error(std::string("cannot decode PNG: ") + s.error);
  const int64_t H = h.height, W = h.width, C = h.channels;
  const size_t rowbytes = png_get_rowbytes(g.png, g.info);
  at::Tensor out;
  std::vector<png_bytep> rows(static_cast<size_t>(H));
  std::vector<uint16_t> wide;
  if (h.bit_depth == 16) {
    wide.resize(static_cast<size_t>(H * W * C));
    for (int64_t y = 0; y < H; ++y) rows[y] = reinterpret_cast<png_bytep>(wide.data() + y * W * C);
  } else {
    out = at::empty({H, W, C}, at::kByte);
    for (int64_t y = 0; y < H; ++y) rows[y] = out.data_ptr<uint8_t>() + y * W * C;
  }
  if (rowbytes != static_cast<size_t>(W * C * (h.bit_depth == 16 ? 2 : 1)))
    throw std::runtime_error("cannot decode PNG: unexpected row size");
  if (!png_rows(g.png, g.info, rows.data())) throw std::runtime_error(std::string("cannot decode PNG: ") + s.error);
  if (h.bit_depth == 16) {
    out = at::empty({H, W, C}, at::kInt);
    auto* o = out.data_ptr<int32_t>();
    for (size_t i = 0; i < wide.size(); ++i) o[i] = wide[i];
  }
  if (h.grey_palette && C >= 3) out = out.narrow(2, 0, 1).contiguous();
  if (bits_out) *bits_out = h.bit_depth == 16 ? 16 : 8;
  if (warnings) *warnings = s.warnings;
  return out;
}

}  // namespace medlearn
