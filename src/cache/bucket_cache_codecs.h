// The value formats of the caching bucket's cache entries, byte-compatible with Thanos:
//   attrs:<name>     {"size":123,"last_modified":"2024-01-02T03:04:05.123456789Z"}
//   exists:<name>    "true" / "false" (decoding accepts Go's strconv.ParseBool spellings)
//   iter*:<dir>:...  a JSON array of names; "null" for an empty listing (Go's nil slice)
// Decoders return nullopt for anything malformed, which the caching bucket treats as a miss.
#ifndef CHARON_CACHE_BUCKET_CACHE_CODECS_H_
#define CHARON_CACHE_BUCKET_CACHE_CODECS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "objstore/bucket.h"

namespace charon::cache {

std::string EncodeAttributes(const objstore::ObjectAttributes& attrs);
std::optional<objstore::ObjectAttributes> DecodeAttributes(std::string_view json);

std::string EncodeBool(bool b);
std::optional<bool> DecodeBool(std::string_view s);

// nullopt when a name is not valid UTF-8 (JSON could not carry it unchanged).
std::optional<std::string> EncodeNames(const std::vector<std::string>& names);
std::optional<std::vector<std::string>> DecodeNames(std::string_view json);

}  // namespace charon::cache

#endif  // CHARON_CACHE_BUCKET_CACHE_CODECS_H_
