// PNG decoding through libpng with our error/warning callbacks (see png_decode.cpp).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

namespace medlearn {

// Decodes a complete PNG into an HxWxC tensor: uint8 (bit depth <= 8, low depths scaled to 0..255) or int32
// (16-bit); C = 1 grey, 3 RGB, 4 RGBA (grey + alpha and transparent palettes become RGBA); a palette whose entries
// are all grey gives C = 1 when keep_grey_palette. Throws std::runtime_error("cannot decode PNG: ...") on errors;
// libpng's warnings are returned in *warnings, never printed.
at::Tensor png_decode(const uint8_t* bytes, int64_t len, bool keep_grey_palette, int32_t* bits_out, std::string* warnings);

}  // namespace medlearn
