#include "store/block.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/annotate.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "indexheader/index_header_builder.h"

namespace charon::store {
namespace {

absl::Status Annotate(const absl::Status& s, const std::string& id, std::string_view what) {
  return base::Annotate(s, absl::StrCat("block ", id, ": ", base::Absl(what)));
}

bool IsSegmentName(std::string_view base) {
  if (base.empty()) return false;
  for (char c : base) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Block>> Block::Open(
    std::shared_ptr<objstore::Bucket> bucket, std::shared_ptr<const tsdb::BlockMeta> meta,
    const BlockLoadOptions& options) {
  std::shared_ptr<Block> b(new Block());
  b->bucket_ = std::move(bucket);
  b->meta_ = std::move(meta);
  b->id_ = b->meta_->ulid.ToString();
  for (const auto& [k, v] : b->meta_->external_labels) b->external_labels_.push_back({k, v});
  b->index_object_ = b->id_ + "/index";
  if (int64_t r = b->meta_->downsample_resolution; r != 0 && r != 300000 && r != 3600000) {
    return absl::InvalidArgumentError(
        absl::StrCat("block ", b->id_, ": unsupported downsampling resolution ", r));
  }

  std::error_code ec;
  b->local_dir_ = (std::filesystem::path(options.data_dir) / b->id_).string();
  std::filesystem::create_directories(b->local_dir_, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("block ", b->id_, ": create ", b->local_dir_, ": ", ec.message()));
  }
  std::string header_path = b->local_dir_ + "/index-header";
  auto reader = indexheader::IndexHeaderReader::Open(header_path, options.postings_sampling);
  if (!reader.ok()) {
    // Missing or unreadable: (re)build it from the bucket.
    absl::Status built = indexheader::BuildIndexHeader(*b->bucket_, b->id_, header_path);
    if (!built.ok()) return Annotate(built, b->id_, "build index-header");
    reader = indexheader::IndexHeaderReader::Open(header_path, options.postings_sampling);
    if (!reader.ok()) return Annotate(reader.status(), b->id_, "open index-header");
  }
  b->reader_ = std::move(reader).value();
  auto names = b->reader_->LabelNames();
  if (!names.ok()) return Annotate(names.status(), b->id_, "read label names");
  b->label_names_ = std::move(names).value();

  if (!b->meta_->segment_files.empty()) {
    for (const auto& f : b->meta_->segment_files) b->segments_.push_back(b->id_ + "/chunks/" + f);
  } else {
    absl::Status listed = b->bucket_->Iter(b->id_ + "/chunks/", [&](std::string_view name) {
      std::string_view base = name.substr(name.rfind('/') + 1);
      if (IsSegmentName(base)) b->segments_.emplace_back(name);
      return absl::OkStatus();
    });
    if (!listed.ok()) return Annotate(listed, b->id_, "list chunks");
  }
  return std::shared_ptr<const Block>(std::move(b));
}

const std::string* Block::SegmentObject(uint32_t index) const {
  if (index >= segments_.size()) return nullptr;
  return &segments_[index];
}

absl::Status BlockReadError(const Block& block, std::string_view what, const absl::Status& s) {
  absl::StatusCode code = s.code();
  switch (code) {
    case absl::StatusCode::kOk:
      return s;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kInvalidArgument:
      break;
    default:
      code = absl::StatusCode::kUnavailable;
  }
  std::string message =
      absl::StrCat("block ", block.id(), ": ", base::Absl(what), ": ", s.message());
  if (code == absl::StatusCode::kNotFound) {
    absl::StrAppend(&message, " (the block may have been deleted while the query ran)");
  }
  return absl::Status(code, message);
}

}  // namespace charon::store
