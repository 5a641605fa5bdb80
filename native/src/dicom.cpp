// DICOM reading through GDCM (Debian libgdcm-dev): one file per call.
//
// ml_dicom_read decodes every frame of a file (any transfer syntax GDCM supports: raw little/big endian,
// implicit VR, deflated, JPEG baseline/extended/lossless, JPEG-LS, JPEG 2000, RLE) into a tensor shaped
// [frames, rows, cols, samples] (samples interleaved), and fills ml_dicom_info with the geometry and scaling
// tags as numbers. Only these tags are read: no patient identifier ever leaves this file, and error messages
// never contain tag values (UIDs included).
//
// GDCM is not thread-safe in every part (global dictionaries, codec state): calls are serialised by a mutex.
#include "common.h"
#include "stderr_capture.h"

#include <gdcmDataSet.h>
#include <gdcmPixmap.h>
#include <gdcmPixmapReader.h>
#include <gdcmPixelFormat.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>

#include <cmath>
#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace {

std::mutex g_gdcm_mutex;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Status codes reported in ml_dicom_info::status (set before an error is raised, so C# can classify it).
enum DicomStatus : int32_t {
  kOk = 0,
  kUnreadable = 1,    // not DICOM, truncated or corrupt header
  kNoPixelData = 2,   // a valid DICOM object without (7FE0,0010): DICOMDIR, SR, RT plan...
  kDecodeFailed = 3,  // pixel data present but could not be decoded (truncated, unsupported codec)
  kUnsupported = 4,   // pixel format the toolkit does not handle
};

}  // namespace

// Mirrored by the C# struct DicomInfoNative (sequential layout, same field order). Missing numeric tags are NaN.
struct ml_dicom_info {
  int64_t cols;
  int64_t rows;
  int64_t frames;
  int64_t samples;
  int32_t bits_allocated;
  int32_t bits_stored;
  int32_t pixel_representation;  // 1 = signed
  int32_t planar_configuration;  // as stored in the file; the returned buffer is always interleaved
  int32_t status;                // DicomStatus
  int32_t frame_positions_kind;  // 0 none, 1 per-frame functional groups, 2 RT GridFrameOffsetVector
  double image_position[3];      // (0020,0032) of the file (or of the first frame for enhanced multi-frame)
  double image_orientation[6];   // (0020,0037): row cosine (3), column cosine (3)
  double pixel_spacing[2];       // (0028,0030): row spacing (between rows), column spacing (between columns)
  double slice_thickness;        // (0018,0050)
  double spacing_between_slices; // (0018,0088)
  double rescale_slope;          // (0028,1053)
  double rescale_intercept;      // (0028,1052)
  double window_center;          // (0028,1050) first value
  double window_width;           // (0028,1051) first value
  double dose_grid_scaling;      // (3004,000E) RT dose
  char modality[32];             // (0008,0060)
  char photometric[32];          // photometric interpretation of the RETURNED buffer
  char sop_class_uid[72];        // (0008,0016)
  char series_uid[72];           // (0020,000E)
  char transfer_syntax[72];      // (0002,0010)
  char warnings[256];            // what the decoders printed (OpenJPEG, GDCM), ';'-separated; "" when silent
  char voi_function[16];         // (0028,1056) VOI LUT Function: LINEAR, LINEAR_EXACT, SIGMOID or ""
  char voi_lut_explanation[64];  // (0028,3003) of the first VOI LUT Sequence item
  int64_t voi_lut_first;         // (0028,3002)[1]: first input value mapped (signed when PixelRepresentation = 1)
  int32_t voi_lut_bits;          // (0028,3002)[2]: bits per LUT entry; 0 when the file has no VOI LUT Sequence
  int32_t voi_lut_reserved;
  void* voi_lut_data;            // int64 [entries] tensor (an ml_tensor the caller frees) or null
};

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && s[b] == ' ') ++b;
  return s.substr(b);
}

// Raw string value of a string-VR element (DS, IS, CS, UI, LO...) or "" when absent/empty.
std::string tag_string(const gdcm::DataSet& ds, const gdcm::Tag& t) {
  if (!ds.FindDataElement(t)) return "";
  const gdcm::DataElement& de = ds.GetDataElement(t);
  const gdcm::ByteValue* bv = de.GetByteValue();
  if (!bv || !bv->GetPointer()) return "";
  return trim(std::string(bv->GetPointer(), bv->GetLength()));
}

std::vector<double> tag_numbers(const gdcm::DataSet& ds, const gdcm::Tag& t) {
  std::vector<double> out;
  auto s = tag_string(ds, t);
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    auto end = s.find('\\', start);
    auto part = trim(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    char* stop = nullptr;
    double v = part.empty() ? kNaN : std::strtod(part.c_str(), &stop);
    if (!part.empty() && stop == part.c_str()) v = kNaN;
    out.push_back(v);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Fills dst[0..n) from the tag when it has at least n values; returns whether it did.
bool fill_numbers(const gdcm::DataSet& ds, const gdcm::Tag& t, double* dst, size_t n) {
  auto v = tag_numbers(ds, t);
  if (v.size() < n) return false;
  for (size_t i = 0; i < n; ++i) dst[i] = v[i];
  return true;
}

void fill_first(const gdcm::DataSet& ds, const gdcm::Tag& t, double* dst) {
  auto v = tag_numbers(ds, t);
  if (!v.empty()) *dst = v[0];
}

void copy_str(char* dst, size_t cap, const std::string& s) {
  size_t n = std::min(cap - 1, s.size());
  std::memcpy(dst, s.data(), n);
  dst[n] = '\0';
}

// The nested dataset of item `index` (1-based, GDCM convention) of a sequence, or null.
const gdcm::DataSet* seq_item(const gdcm::DataSet& ds, const gdcm::Tag& seq, size_t index) {
  if (!ds.FindDataElement(seq)) return nullptr;
  gdcm::SmartPointer<gdcm::SequenceOfItems> sq = ds.GetDataElement(seq).GetValueAsSQ();
  if (!sq || sq->GetNumberOfItems() < index) return nullptr;
  return &sq->GetItem(index).GetNestedDataSet();
}

size_t seq_count(const gdcm::DataSet& ds, const gdcm::Tag& seq) {
  if (!ds.FindDataElement(seq)) return 0;
  gdcm::SmartPointer<gdcm::SequenceOfItems> sq = ds.GetDataElement(seq).GetValueAsSQ();
  return sq ? sq->GetNumberOfItems() : 0;
}

const gdcm::Tag kPerFrame(0x5200, 0x9230), kShared(0x5200, 0x9229);
const gdcm::Tag kPlanePosition(0x0020, 0x9113), kPlaneOrientation(0x0020, 0x9116);
const gdcm::Tag kPixelMeasures(0x0028, 0x9110), kPixelValueTransform(0x0028, 0x9145), kFrameVoiLut(0x0028, 0x9132);
const gdcm::Tag kIPP(0x0020, 0x0032), kIOP(0x0020, 0x0037), kPixelSpacing(0x0028, 0x0030);
const gdcm::Tag kSliceThickness(0x0018, 0x0050), kSpacingBetween(0x0018, 0x0088);
const gdcm::Tag kSlope(0x0028, 0x1053), kIntercept(0x0028, 0x1052), kWC(0x0028, 0x1050), kWW(0x0028, 0x1051);

// Enhanced multi-frame: geometry lives in functional group macros, per frame or shared.
void read_functional_group(const gdcm::DataSet* group, ml_dicom_info* info, bool first_frame) {
  if (!group) return;
  if (auto* po = seq_item(*group, kPlaneOrientation, 1)) fill_numbers(*po, kIOP, info->image_orientation, 6);
  if (auto* pm = seq_item(*group, kPixelMeasures, 1)) {
    fill_numbers(*pm, kPixelSpacing, info->pixel_spacing, 2);
    fill_first(*pm, kSliceThickness, &info->slice_thickness);
    fill_first(*pm, kSpacingBetween, &info->spacing_between_slices);
  }
  if (auto* pv = seq_item(*group, kPixelValueTransform, 1)) {
    fill_first(*pv, kSlope, &info->rescale_slope);
    fill_first(*pv, kIntercept, &info->rescale_intercept);
  }
  if (auto* voi = seq_item(*group, kFrameVoiLut, 1)) {
    fill_first(*voi, kWC, &info->window_center);
    fill_first(*voi, kWW, &info->window_width);
  }
  if (first_frame)
    if (auto* pp = seq_item(*group, kPlanePosition, 1)) fill_numbers(*pp, kIPP, info->image_position, 3);
}

void read_tags(const gdcm::DataSet& ds, const gdcm::FileMetaInformation& meta, ml_dicom_info* info) {
  fill_numbers(ds, kIPP, info->image_position, 3);
  fill_numbers(ds, kIOP, info->image_orientation, 6);
  fill_numbers(ds, kPixelSpacing, info->pixel_spacing, 2);
  fill_first(ds, kSliceThickness, &info->slice_thickness);
  fill_first(ds, kSpacingBetween, &info->spacing_between_slices);
  fill_first(ds, kSlope, &info->rescale_slope);
  fill_first(ds, kIntercept, &info->rescale_intercept);
  fill_first(ds, kWC, &info->window_center);
  fill_first(ds, kWW, &info->window_width);
  fill_first(ds, gdcm::Tag(0x3004, 0x000E), &info->dose_grid_scaling);
  copy_str(info->modality, sizeof info->modality, tag_string(ds, gdcm::Tag(0x0008, 0x0060)));
  copy_str(info->sop_class_uid, sizeof info->sop_class_uid, tag_string(ds, gdcm::Tag(0x0008, 0x0016)));
  copy_str(info->series_uid, sizeof info->series_uid, tag_string(ds, gdcm::Tag(0x0020, 0x000E)));
  copy_str(info->transfer_syntax, sizeof info->transfer_syntax, tag_string(meta, gdcm::Tag(0x0002, 0x0010)));
  // Shared functional groups first, then the first frame's own groups override them.
  read_functional_group(seq_item(ds, kShared, 1), info, true);
  read_functional_group(seq_item(ds, kPerFrame, 1), info, true);
}

// Per-frame positions [frames, 3] (float64), or an undefined tensor when the file has none.
at::Tensor frame_positions(const gdcm::DataSet& ds, ml_dicom_info* info) {
  const auto frames = info->frames;
  if (frames > 1 && seq_count(ds, kPerFrame) >= static_cast<size_t>(frames)) {
    auto pos = at::empty({frames, 3}, at::kDouble);
    auto* p = pos.data_ptr<double>();
    for (int64_t f = 0; f < frames; ++f) {
      auto* group = seq_item(ds, kPerFrame, static_cast<size_t>(f + 1));
      auto* pp = group ? seq_item(*group, kPlanePosition, 1) : nullptr;
      if (!pp || !fill_numbers(*pp, kIPP, p + 3 * f, 3)) return at::Tensor();
    }
    info->frame_positions_kind = 1;
    return pos;
  }
  // RT dose: frame k lies at IPP + offset_k * (row cosine x column cosine).
  auto offsets = tag_numbers(ds, gdcm::Tag(0x3004, 0x000C));
  if (frames > 1 && offsets.size() == static_cast<size_t>(frames) && !std::isnan(info->image_position[0]) &&
      !std::isnan(info->image_orientation[0])) {
    const double* o = info->image_orientation;
    const double n[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
    auto pos = at::empty({frames, 3}, at::kDouble);
    auto* p = pos.data_ptr<double>();
    for (int64_t f = 0; f < frames; ++f)
      for (int c = 0; c < 3; ++c) p[3 * f + c] = info->image_position[c] + offsets[f] * n[c];
    info->frame_positions_kind = 2;
    return pos;
  }
  return at::Tensor();
}

bool pd_is_fragments(const gdcm::Pixmap& image) { return image.GetDataElement().GetSequenceOfFragments() != nullptr; }

template <typename T, typename U>
void mask_or_extend(T* p, int64_t n, int bits, bool is_signed) {
  const U mask = static_cast<U>((static_cast<uint64_t>(1) << bits) - 1);
  const U sign = static_cast<U>(static_cast<uint64_t>(1) << (bits - 1));
  for (int64_t i = 0; i < n; ++i) {
    U v = static_cast<U>(p[i]) & mask;
    if (is_signed && (v & sign)) v |= static_cast<U>(~mask);
    p[i] = static_cast<T>(v);
  }
}

void restrict_to_bits_stored(at::Tensor& raw, gdcm::PixelFormat::ScalarType st, int bits) {
  const int64_t n = raw.numel();
  switch (st) {
    case gdcm::PixelFormat::UINT8: if (bits > 0 && bits < 8) mask_or_extend<uint8_t, uint8_t>(raw.data_ptr<uint8_t>(), n, bits, false); break;
    case gdcm::PixelFormat::INT8: if (bits > 0 && bits < 8) mask_or_extend<int8_t, uint8_t>(raw.data_ptr<int8_t>(), n, bits, true); break;
    case gdcm::PixelFormat::UINT16: if (bits > 0 && bits < 16) mask_or_extend<int16_t, uint16_t>(raw.data_ptr<int16_t>(), n, bits, false); break;
    case gdcm::PixelFormat::INT16: if (bits > 0 && bits < 16) mask_or_extend<int16_t, uint16_t>(raw.data_ptr<int16_t>(), n, bits, true); break;
    case gdcm::PixelFormat::UINT32: if (bits > 0 && bits < 32) mask_or_extend<int32_t, uint32_t>(raw.data_ptr<int32_t>(), n, bits, false); break;
    case gdcm::PixelFormat::INT32: if (bits > 0 && bits < 32) mask_or_extend<int32_t, uint32_t>(raw.data_ptr<int32_t>(), n, bits, true); break;
    default: break;
  }
}

[[noreturn]] void fail(ml_dicom_info* info, int32_t status, const std::string& message) {
  info->status = status;
  throw std::runtime_error(message);
}

void init_info(ml_dicom_info* info) {
  std::memset(info, 0, sizeof *info);
  for (auto& v : info->image_position) v = kNaN;
  for (auto& v : info->image_orientation) v = kNaN;
  for (auto& v : info->pixel_spacing) v = kNaN;
  info->slice_thickness = info->spacing_between_slices = kNaN;
  info->rescale_slope = info->rescale_intercept = kNaN;
  info->window_center = info->window_width = info->dose_grid_scaling = kNaN;
}

// First item of the VOI LUT Sequence (0028,3010) as an int64 [entries] tensor; fills the descriptor fields.
// LUT Data (0028,3006) holds one 16-bit word per entry whatever the bits per entry (PS3.3 C.11.2.1.1); the
// descriptor's first value 0 means 65536 entries. Undefined tensor when the file has no VOI LUT Sequence.
at::Tensor voi_lut(const gdcm::DataSet& ds, ml_dicom_info* info) {
  copy_str(info->voi_function, sizeof info->voi_function, tag_string(ds, gdcm::Tag(0x0028, 0x1056)));
  const gdcm::DataSet* item = seq_item(ds, gdcm::Tag(0x0028, 0x3010), 1);
  if (!item || !item->FindDataElement(gdcm::Tag(0x0028, 0x3002)) || !item->FindDataElement(gdcm::Tag(0x0028, 0x3006)))
    return at::Tensor();
  const gdcm::ByteValue* desc = item->GetDataElement(gdcm::Tag(0x0028, 0x3002)).GetByteValue();
  const gdcm::ByteValue* data = item->GetDataElement(gdcm::Tag(0x0028, 0x3006)).GetByteValue();
  if (!desc || !data || desc->GetLength() < 6 || !desc->GetPointer() || !data->GetPointer())
    fail(info, kUnsupported, "malformed VOI LUT Sequence: LUT Descriptor (0028,3002) needs three 16-bit values");
  uint16_t d[3];
  std::memcpy(d, desc->GetPointer(), 6);
  const int64_t entries = d[0] == 0 ? 65536 : d[0];
  const int64_t first = info->pixel_representation == 1 ? static_cast<int64_t>(static_cast<int16_t>(d[1])) : d[1];
  if (d[2] < 8 || d[2] > 16)
    fail(info, kUnsupported, "VOI LUT Descriptor (0028,3002): bits per entry must be 8 to 16, got " + std::to_string(d[2]));
  if (static_cast<int64_t>(data->GetLength()) < entries * 2)
    fail(info, kUnsupported, "VOI LUT Data (0028,3006) is shorter than its descriptor's " + std::to_string(entries) + " entries");
  auto lut = at::empty({entries}, at::kLong);
  auto* o = lut.data_ptr<int64_t>();
  const auto* p = reinterpret_cast<const unsigned char*>(data->GetPointer());
  for (int64_t i = 0; i < entries; ++i) o[i] = p[2 * i] | (p[2 * i + 1] << 8);
  info->voi_lut_first = first;
  info->voi_lut_bits = d[2];
  copy_str(info->voi_lut_explanation, sizeof info->voi_lut_explanation, tag_string(*item, gdcm::Tag(0x0028, 0x3003)));
  return lut;
}

at::Tensor read_dicom_locked(const char* path, ml_dicom_info* info, ml_tensor* positions_out) {
  // GDCM reports problems on stderr: capture them instead (a library never writes to the console) and use
  // them to detect truncated pixel data, which GDCM pads silently.
  static std::ostringstream trace;
  static bool trace_set = false;
  if (!trace_set) {
    gdcm::Trace::SetStream(trace);
    gdcm::Trace::SetWarningStream(trace);
    gdcm::Trace::SetErrorStream(trace);
    gdcm::Trace::SetDebugStream(trace);
    gdcm::Trace::DebugOff();
    trace_set = true;
  }
  trace.str("");
  trace.clear();
  // PixmapReader, not ImageReader: the pixels and pixel format are all we take from GDCM (geometry and scaling
  // tags are read below), and ImageReader's geometry helpers assert on valid files (single-frame RT dose).
  gdcm::PixmapReader reader;
  reader.SetFileName(path);
  medlearn::StderrCapture capture;
  const bool ok = reader.Read();
  auto printed = capture.finish();
  copy_str(info->warnings, sizeof info->warnings, printed);
  if (ok && trace.str().find("Incomplete Pixel Data") != std::string::npos)
    fail(info, kDecodeFailed, "pixel data truncated (the file ends before the last pixel)");
  if (!ok) {
    const auto& ds = reader.GetFile().GetDataSet();
    if (!ds.IsEmpty() && !ds.FindDataElement(gdcm::Tag(0x7fe0, 0x0010)))
      fail(info, kNoPixelData, "no pixel data (7FE0,0010): not an image (e.g. DICOMDIR, structured report, RT plan)");
    if (!ds.IsEmpty())
      fail(info, kDecodeFailed, "the pixel data could not be read (truncated, corrupt or an unsupported encoding)");
    fail(info, kUnreadable, "not a readable DICOM file (truncated or corrupt header)");
  }
  const gdcm::Pixmap& image = reader.GetPixmap();
  const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
  const gdcm::PixelFormat pf = image.GetPixelFormat();
  info->cols = image.GetDimension(0);
  info->rows = image.GetDimension(1);
  info->frames = image.GetNumberOfDimensions() > 2 ? image.GetDimension(2) : 1;
  info->samples = pf.GetSamplesPerPixel();
  info->bits_allocated = pf.GetBitsAllocated();
  info->bits_stored = pf.GetBitsStored();
  info->pixel_representation = pf.GetPixelRepresentation();
  info->planar_configuration = static_cast<int32_t>(image.GetPlanarConfiguration());
  read_tags(ds, reader.GetFile().GetHeader(), info);

  // GDCM 3.0 interleaves the byte segments of RLE images with more than 8 bits and several samples wrongly
  // (pydicom's SC_rgb_rle_16bit.dcm): refuse rather than return wrong pixels.
  if (std::string(info->transfer_syntax) == "1.2.840.10008.1.2.5" && info->samples > 1 && info->bits_allocated > 8)
    fail(info, kUnsupported, "RLE colour images with more than 8 bits per sample are not supported (GDCM decodes them incorrectly)");

  // Uncompressed (native) pixel data shorter than the image: truncated file (GDCM would pad silently).
  {
    const gdcm::DataElement& pd = image.GetDataElement();
    const gdcm::ByteValue* bv = pd.GetByteValue();
    if (bv && !pd.GetSequenceOfFragments()) {
      // YBR_FULL_422 stores two luma and one chroma pair per two pixels: 2 samples per pixel on disk
      const bool ybr422 = image.GetPhotometricInterpretation() == gdcm::PhotometricInterpretation::YBR_FULL_422;
      const int64_t stored_samples = ybr422 ? 2 : info->samples;
      const int64_t need = (info->frames * info->rows * info->cols * stored_samples * info->bits_allocated + 7) / 8;
      if (static_cast<int64_t>(bv->GetLength()) < need)
        fail(info, kDecodeFailed, "pixel data truncated: " + std::to_string(bv->GetLength()) + " of " + std::to_string(need) + " bytes");
    }
  }

  const int64_t total = info->frames * info->rows * info->cols * info->samples;
  if (pf.GetScalarType() == gdcm::PixelFormat::SINGLEBIT) {
    // 1-bit (segmentations, overlays): packed LSB first; unpacked to uint8 0/1.
    std::vector<char> packed(image.GetBufferLength());
    if (static_cast<int64_t>(packed.size()) * 8 < total || !image.GetBuffer(packed.data()))
      fail(info, kDecodeFailed, "the 1-bit pixel data could not be decoded");
    auto out = at::empty({info->frames, info->rows, info->cols, info->samples}, at::kByte);
    auto* o = out.data_ptr<uint8_t>();
    for (int64_t i = 0; i < total; ++i) o[i] = (static_cast<uint8_t>(packed[i >> 3]) >> (i & 7)) & 1;
    copy_str(info->photometric, sizeof info->photometric, "MONOCHROME2");
    if (auto lut = voi_lut(ds, info); lut.defined()) info->voi_lut_data = medlearn::wrap(std::move(lut));
    if (positions_out) {
      auto pos = frame_positions(ds, info);
      if (pos.defined()) *positions_out = medlearn::wrap(std::move(pos));
    }
    return out;
  }

  at::ScalarType src;
  switch (pf.GetScalarType()) {
    case gdcm::PixelFormat::UINT8: src = at::kByte; break;
    case gdcm::PixelFormat::INT8: src = at::kChar; break;
    case gdcm::PixelFormat::UINT16: src = at::kShort; break;  // reinterpreted below
    case gdcm::PixelFormat::INT16: src = at::kShort; break;
    case gdcm::PixelFormat::UINT32: src = at::kInt; break;    // reinterpreted below
    case gdcm::PixelFormat::INT32: src = at::kInt; break;
    case gdcm::PixelFormat::FLOAT32: src = at::kFloat; break;
    case gdcm::PixelFormat::FLOAT64: src = at::kDouble; break;
    default: fail(info, kUnsupported, std::string("unsupported pixel format ") + pf.GetScalarTypeAsString());
  }
  const int64_t elem = static_cast<int64_t>(at::elementSize(src));
  const int64_t count = info->frames * info->rows * info->cols * info->samples;
  if (count <= 0) fail(info, kDecodeFailed, "the image has no pixels (zero rows, columns or frames)");
  const unsigned long length = image.GetBufferLength();
  if (static_cast<int64_t>(length) < count * elem)
    fail(info, kDecodeFailed, "pixel buffer smaller than rows x columns x frames x samples");
  auto raw = at::empty({static_cast<int64_t>(length) / elem}, src);
  bool decoded;
  {
    medlearn::StderrCapture decode_capture;
    decoded = image.GetBuffer(static_cast<char*>(raw.data_ptr()));
    auto text = decode_capture.finish();
    if (!text.empty()) copy_str(info->warnings, sizeof info->warnings, printed.empty() ? text : printed + ";" + text);
  }
  if (!decoded) {
    std::string why = info->warnings[0] ? std::string(" (decoder: ") + info->warnings + ")" : "";
    fail(info, kDecodeFailed, "the pixel data could not be decoded (truncated, corrupt or an unsupported encoding)" + why);
  }
  raw = raw.narrow(0, 0, count);

  // GDCM leaves 32-bit native big-endian samples with their two 16-bit halves in file order (it swaps the
  // bytes of each 16-bit word only): put the halves back (pydicom's rtdose_expb.dcm read 4292 Gy for 0.8 Gy).
  const bool big_endian_native = std::string(info->transfer_syntax) == "1.2.840.10008.1.2.2" && !pd_is_fragments(image);
  if (big_endian_native && info->bits_allocated == 32) {
    auto* w = static_cast<uint32_t*>(raw.data_ptr());
    for (int64_t i = 0; i < count; ++i) w[i] = (w[i] >> 16) | (w[i] << 16);
  } else if (big_endian_native && info->bits_allocated == 64) {
    fail(info, kUnsupported, "64-bit big-endian pixel data is not supported (convert the file to little endian)");
  }
  // Only the low BitsStored bits are the pixel value (PS3.5 8.1.1, HighBit = BitsStored - 1): unsigned samples
  // are masked, signed ones sign-extended from bit BitsStored - 1 (a JPEG 2000 codestream may be unsigned while
  // PixelRepresentation says signed: 6192 is then -2000 in 13 bits).
  restrict_to_bits_stored(raw, pf.GetScalarType(), info->bits_stored);

  at::Tensor out;
  if (info->planar_configuration == 1 && info->samples > 1)
    out = raw.view({info->frames, info->samples, info->rows, info->cols}).permute({0, 2, 3, 1}).contiguous();
  else
    out = raw.view({info->frames, info->rows, info->cols, info->samples});
  const auto st = pf.GetScalarType();
  if (st == gdcm::PixelFormat::UINT16) out = out.to(at::kInt).bitwise_and(0xFFFF);
  else if (st == gdcm::PixelFormat::UINT32) out = out.to(at::kLong).bitwise_and(static_cast<int64_t>(0xFFFFFFFFLL));
  else if (out.storage().nbytes() != static_cast<size_t>(out.numel() * elem)) out = out.clone();

  const auto* pi = gdcm::PhotometricInterpretation::GetPIString(image.GetPhotometricInterpretation());
  copy_str(info->photometric, sizeof info->photometric, pi ? trim(pi) : "");
  if (auto lut = voi_lut(ds, info); lut.defined()) info->voi_lut_data = medlearn::wrap(std::move(lut));
  if (positions_out) {
    auto pos = frame_positions(ds, info);
    if (pos.defined()) *positions_out = medlearn::wrap(std::move(pos));
  }
  return out;
}

// Debian's GDCM is built with assertions: some corrupt files (a wrong VR in the File Meta group, ...) make it
// call abort() after DicomStructure's checks passed. A corrupt input must never kill the process, so while a
// thread is inside GDCM a SIGABRT handler jumps back to read_dicom, which reports the file as corrupt. What GDCM
// had allocated for that file leaks (a corrupt file is rare; a dead process is worse). Outside GDCM, or on
// another thread, the previous handler (the .NET runtime's or the default) runs as before.
thread_local sigjmp_buf* t_abort_jump = nullptr;
struct sigaction g_previous_abort;
std::once_flag g_abort_handler_once;

void on_abort(int sig, siginfo_t* si, void* context) {
  if (t_abort_jump) siglongjmp(*t_abort_jump, 1);
  if (g_previous_abort.sa_flags & SA_SIGINFO) {
    if (g_previous_abort.sa_sigaction) g_previous_abort.sa_sigaction(sig, si, context);
    return;
  }
  if (g_previous_abort.sa_handler == SIG_IGN) return;
  if (g_previous_abort.sa_handler == SIG_DFL) {
    std::signal(SIGABRT, SIG_DFL);
    std::raise(SIGABRT);
    return;
  }
  g_previous_abort.sa_handler(sig);
}

void install_abort_handler() {
  std::call_once(g_abort_handler_once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_abort;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGABRT, &action, &g_previous_abort);
  });
}

struct AbortJumpReset {
  ~AbortJumpReset() { t_abort_jump = nullptr; }
};

at::Tensor read_dicom(const char* path, ml_dicom_info* info, ml_tensor* positions_out) {
  init_info(info);
  if (positions_out) *positions_out = nullptr;
  std::lock_guard<std::mutex> lock(g_gdcm_mutex);
  install_abort_handler();
  AbortJumpReset reset;
  sigjmp_buf jump;
  if (sigsetjmp(jump, 1) != 0) {
    t_abort_jump = nullptr;
    medlearn::StderrCapture::restore_active();  // the assertion text went into the capture, not the console
    fail(info, kUnreadable, "corrupt DICOM file: GDCM's internal consistency check failed while parsing it");
  }
  t_abort_jump = &jump;
  return read_dicom_locked(path, info, positions_out);
}

}  // namespace

// Reads one DICOM file: returns the decoded pixels [frames, rows, cols, samples] (uint8, int8, int16, int32
// for unsigned 16-bit and signed 32-bit, int64 for unsigned 32-bit, float32/float64), fills *info and, when
// the file has per-frame positions, sets *positions to a float64 [frames, 3] tensor (else null).
// On error returns null; info->status says why.
ML_API ml_tensor ml_dicom_read(const char* path, ml_dicom_info* info, ml_tensor* positions) {
  ML_GUARD(nullptr, return medlearn::wrap(read_dicom(path, info, positions)););
}

// sizeof(ml_dicom_info), checked by the C# binding against its mirror struct.
ML_API int64_t ml_dicom_info_size() { return static_cast<int64_t>(sizeof(ml_dicom_info)); }
