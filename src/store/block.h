// Block: one loaded TSDB block as the store serves it: its meta.json, the index-header reader
// answering label and postings-offset questions locally, and the bucket holding its index and
// chunk segments. Immutable after Open(); shared (shared_ptr<const Block>) between the block set
// and in-flight queries, so a block dropped by a sync stays readable until the last query releases
// it.
#ifndef CHARON_STORE_BLOCK_H_
#define CHARON_STORE_BLOCK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexheader/index_header_reader.h"
#include "objstore/bucket.h"
#include "tsdb/block_meta.h"
#include "tsdb/labels.h"

namespace charon::store {

struct BlockLoadOptions {
  // Local directory for `<ULID>/index-header`.
  std::string data_dir = "./data";
  int postings_sampling = 32;
};

class Block {
 public:
  // Builds (or reuses a valid existing) index-header under data_dir and lists the chunk segments.
  // Errors name the block: DataLoss for a corrupt index, NotFound/Unavailable from the bucket.
  static absl::StatusOr<std::shared_ptr<const Block>> Open(
      std::shared_ptr<objstore::Bucket> bucket, std::shared_ptr<const tsdb::BlockMeta> meta,
      const BlockLoadOptions& options);

  const tsdb::BlockMeta& meta() const { return *meta_; }
  const std::shared_ptr<const tsdb::BlockMeta>& meta_ptr() const { return meta_; }
  const std::string& id() const { return id_; }
  // External labels (meta.thanos.labels), sorted by name.
  const tsdb::Labels& external_labels() const { return external_labels_; }
  // Label names in the index (without ""), sorted.
  const std::vector<std::string>& label_names() const { return label_names_; }
  const indexheader::IndexHeaderReader& index_header() const { return *reader_; }
  objstore::Bucket& bucket() const { return *bucket_; }
  const std::string& index_object() const { return index_object_; }
  int index_version() const { return reader_->IndexVersion(); }
  // Object name of chunk segment `index` (0-based); nullptr if out of range.
  const std::string* SegmentObject(uint32_t index) const;
  const std::string& local_dir() const { return local_dir_; }

 private:
  Block() = default;
  std::shared_ptr<objstore::Bucket> bucket_;
  std::shared_ptr<const tsdb::BlockMeta> meta_;
  std::string id_;
  tsdb::Labels external_labels_;
  std::vector<std::string> label_names_;
  std::unique_ptr<indexheader::IndexHeaderReader> reader_;
  std::string index_object_;
  std::vector<std::string> segments_;
  std::string local_dir_;
};

// The status a query gets when reading `what` ("postings", "series", "chunks") of `block` failed
// with `s`, its message starting "block <ULID>: <what>: ". The code tells the client what to do:
//   NotFound          an object of the block is gone (deleted under the query); retry re-plans.
//   DataLoss          the block's bytes are corrupt (decode errors; kept as they are).
//   ResourceExhausted, Cancelled, InvalidArgument   limits, client cancellation, bad requests
//                     (kept as they are).
//   Unavailable       every other bucket failure (network, 5xx, timeouts, permissions): the store
//                     could not read the bucket; the query may succeed if retried.
absl::Status BlockReadError(const Block& block, std::string_view what, const absl::Status& s);

}  // namespace charon::store

#endif  // CHARON_STORE_BLOCK_H_
