#include "store/series_transform.h"

#include <algorithm>

namespace charon::store {

SeriesTransform::SeriesTransform(const tsdb::Labels& external,
                                 const std::vector<std::string>& index_label_names,
                                 const std::vector<std::string>& replica)
    : remove_(replica) {
  std::sort(remove_.begin(), remove_.end());
  auto removed = [&](const std::string& n) {
    return std::binary_search(remove_.begin(), remove_.end(), n);
  };
  for (const auto& l : external) {
    if (!removed(l.name)) insert_.push_back(l);
  }
  for (const auto& l : insert_) {
    if (std::binary_search(index_label_names.begin(), index_label_names.end(), l.name)) {
      order_preserving_ = false;
    }
  }
  for (const auto& r : remove_) {
    if (std::binary_search(index_label_names.begin(), index_label_names.end(), r)) {
      order_preserving_ = false;
    }
  }
}

void SeriesTransform::Apply(tsdb::Labels& labels) const {
  if (!remove_.empty()) {
    std::erase_if(labels, [&](const tsdb::Label& l) {
      return std::binary_search(remove_.begin(), remove_.end(), l.name);
    });
  }
  if (insert_.empty()) return;
  tsdb::Labels out;
  out.reserve(labels.size() + insert_.size());
  size_t i = 0, j = 0;
  while (i < labels.size() || j < insert_.size()) {
    if (j == insert_.size() || (i < labels.size() && labels[i].name < insert_[j].name)) {
      out.push_back(std::move(labels[i++]));
    } else if (i == labels.size() || insert_[j].name < labels[i].name) {
      out.push_back(insert_[j++]);
    } else {  // same name: the external value wins
      out.push_back(insert_[j++]);
      ++i;
    }
  }
  labels = std::move(out);
}

bool SeriesTransform::MayDefer(std::string_view last_name) const {
  return !insert_.empty() && insert_.back().name > last_name;
}

void OrderRestorer::Push(LoadedSeries s, bool may_defer, std::deque<LoadedSeries>& out) {
  // Everything held back that sorts before `s` can go now: later index-order series sort after
  // `s`, or are extensions of `s` that cannot precede a held-back series preceding `s`.
  size_t n = 0;
  while (n < deferred_.size() && tsdb::CompareLabels(deferred_[n].labels, s.labels) < 0) ++n;
  for (size_t k = 0; k < n; ++k) out.push_back(std::move(deferred_[k]));
  deferred_.erase(deferred_.begin(), deferred_.begin() + static_cast<std::ptrdiff_t>(n));

  // A series that may still be overtaken by its extensions waits; any other goes out now, since
  // every later index-order series sorts after it.
  if (may_defer) {
    auto pos = std::upper_bound(deferred_.begin(), deferred_.end(), s,
                                [](const LoadedSeries& a, const LoadedSeries& b) {
                                  return tsdb::CompareLabels(a.labels, b.labels) < 0;
                                });
    deferred_.insert(pos, std::move(s));
    return;
  }
  out.push_back(std::move(s));
}

void OrderRestorer::Finish(std::deque<LoadedSeries>& out) {
  for (auto& s : deferred_) out.push_back(std::move(s));
  deferred_.clear();
}

}  // namespace charon::store
