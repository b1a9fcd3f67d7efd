// How index labels of one block become the labels a client sees, and the order that follows.
//
// Final labels = index labels with every external label set on top (overriding a series label of
// the same name), minus the request's without_replica_labels. Index order and final order agree
// except in two situations:
//  - pure insertion (no external label name occurs in the index, no replica label in the index):
//    only a series that ends where another continues can move. A series S whose last label name
//    sorts before some inserted name sorts *after* extensions of S with smaller next names.
//    OrderRestorer handles this with a small deferral buffer (at most one series per prefix depth).
//  - anything else (override or removal of index labels): the block's order must be rebuilt by
//    sorting; BlockSeriesStream then buffers the block's labels and chunk metas.
#ifndef CHARON_STORE_SERIES_TRANSFORM_H_
#define CHARON_STORE_SERIES_TRANSFORM_H_

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "store/loaded_series.h"
#include "tsdb/labels.h"

namespace charon::store {

class SeriesTransform {
 public:
  // external: sorted; index_label_names: sorted; replica: the request's without_replica_labels.
  SeriesTransform(const tsdb::Labels& external, const std::vector<std::string>& index_label_names,
                  const std::vector<std::string>& replica);

  // Rewrites `labels` (sorted index labels) in place into final labels.
  void Apply(tsdb::Labels& labels) const;

  // True when index order stays sorted after Apply except for prefix series (see above).
  bool order_preserving() const { return order_preserving_; }
  // True if a series whose last index label name is `last_name` may be overtaken by its
  // extensions (some inserted external name sorts after it).
  bool MayDefer(std::string_view last_name) const;

 private:
  tsdb::Labels insert_;  // external labels to set, sorted, replica ones removed
  std::vector<std::string> remove_;
  bool order_preserving_ = true;
};

// Restores final-label order for an order-preserving transform. Push series in index order;
// they come out in final order. Holds back only series that may still be overtaken.
class OrderRestorer {
 public:
  // `may_defer` = transform.MayDefer(last index label name of s, before Apply).
  void Push(LoadedSeries s, bool may_defer, std::deque<LoadedSeries>& out);
  // End of input: flushes held-back series.
  void Finish(std::deque<LoadedSeries>& out);

 private:
  std::vector<LoadedSeries> deferred_;  // sorted by labels, ascending
};

}  // namespace charon::store

#endif  // CHARON_STORE_SERIES_TRANSFORM_H_
