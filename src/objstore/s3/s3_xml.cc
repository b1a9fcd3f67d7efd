#include "objstore/s3/s3_xml.h"

#include <pugixml.hpp>

#include "absl/strings/str_cat.h"
#include "base/percent_encoding.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::objstore::s3 {
namespace {

absl::Status Parse(std::string_view xml, pugi::xml_document* doc) {
  pugi::xml_parse_result r = doc->load_buffer(xml.data(), xml.size());
  if (!r) {
    return absl::UnavailableError(
        absl::StrCat("malformed XML from S3 at byte ", r.offset, ": ", r.description()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> QueryUnescape(std::string_view s) {
  bool malformed = false;
  std::string out = base::PercentDecode(s, /*plus_as_space=*/true, &malformed);
  if (malformed) {
    return absl::InvalidArgumentError(absl::StrCat("bad URL escape in \"", base::Absl(s), "\""));
  }
  return out;
}

absl::StatusOr<ListPage> ParseListBucketResult(std::string_view xml) {
  pugi::xml_document doc;
  CHARON_RETURN_IF_ERROR(Parse(xml, &doc));
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) {
    return absl::UnavailableError(absl::StrCat("S3 listing answer has no ListBucketResult: ",
                                               base::Absl(xml.substr(0, 256))));
  }
  const bool url_encoded = std::string_view(root.child_value("EncodingType")) == "url";
  auto decode = [url_encoded](const char* raw) -> absl::StatusOr<std::string> {
    if (!url_encoded) return std::string(raw);
    absl::StatusOr<std::string> s = QueryUnescape(raw);
    if (!s.ok()) return absl::UnavailableError(s.status().message());
    return s;
  };
  ListPage page;
  for (pugi::xml_node c : root.children("Contents")) {
    CHARON_ASSIGN_OR_RETURN(std::string key, decode(c.child_value("Key")));
    page.keys.push_back(std::move(key));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    CHARON_ASSIGN_OR_RETURN(std::string prefix, decode(p.child_value("Prefix")));
    page.common_prefixes.push_back(std::move(prefix));
  }
  page.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
  page.next_continuation_token = root.child_value("NextContinuationToken");
  CHARON_ASSIGN_OR_RETURN(page.next_marker, decode(root.child_value("NextMarker")));
  return page;
}

S3ErrorDoc ParseS3Error(std::string_view xml) {
  S3ErrorDoc e;
  pugi::xml_document doc;
  if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return e;
  pugi::xml_node root = doc.child("Error");
  if (!root) return e;
  e.code = root.child_value("Code");
  e.message = root.child_value("Message");
  e.region = root.child_value("Region");
  return e;
}

absl::StatusOr<std::string> ParseLocationConstraint(std::string_view xml) {
  pugi::xml_document doc;
  CHARON_RETURN_IF_ERROR(Parse(xml, &doc));
  pugi::xml_node root = doc.child("LocationConstraint");
  if (!root) {
    return absl::UnavailableError(absl::StrCat("S3 location answer has no LocationConstraint: ",
                                               base::Absl(xml.substr(0, 256))));
  }
  std::string region = root.child_value();
  if (region.empty()) return std::string("us-east-1");
  if (region == "EU") return std::string("eu-west-1");
  return region;
}

}  // namespace charon::objstore::s3
