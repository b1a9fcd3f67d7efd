#include "objstore/gcs/fake_gcs_server.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "objstore/gcs/service_account.h"

namespace charon::objstore::gcs {
namespace {

std::string Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair :
       absl::StrSplit(absl::string_view(query.data(), query.size()), '&', absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    std::string_view p(pair.data(), pair.size());
    out[Decode(p.substr(0, eq))] = eq == std::string_view::npos ? "" : Decode(p.substr(eq + 1));
  }
  return out;
}

http::TestResponse Json(int status, const nlohmann::json& body) {
  http::TestResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json; charset=UTF-8"}};
  r.body = body.dump();
  return r;
}

http::TestResponse Error(int status, const std::string& message) {
  return Json(status, {{"error", {{"code", status}, {"message", message}}}});
}

bool VerifyRs256(const std::string& public_pem, std::string_view data, const std::string& sig) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

FakeGcsServer::FakeGcsServer(FakeGcsOptions options)
    : options_(std::move(options)), updated_(absl::Now()) {}

absl::StatusOr<std::unique_ptr<FakeGcsServer>> FakeGcsServer::Start(FakeGcsOptions options) {
  if (!options.public_key_pem.empty()) {
    BIO* bio = BIO_new_mem_buf(options.public_key_pem.data(),
                               static_cast<int>(options.public_key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key == nullptr) return absl::InvalidArgumentError("fake GCS: unreadable public key");
    EVP_PKEY_free(key);
  }
  std::unique_ptr<FakeGcsServer> fake(new FakeGcsServer(std::move(options)));
  FakeGcsServer* self = fake.get();
  absl::StatusOr<std::unique_ptr<http::TestHttpServer>> server = http::TestHttpServer::Start(
      [self](const http::RecordedRequest& request) { return self->Handle(request); });
  if (!server.ok()) return server.status();
  fake->server_ = *std::move(server);
  return fake;
}

int FakeGcsServer::tokens_issued() const {
  absl::MutexLock lock(&mu_);
  return tokens_issued_;
}

std::string FakeGcsServer::last_token_error() const {
  absl::MutexLock lock(&mu_);
  return last_token_error_;
}

void FakeGcsServer::FailNext(int n, int status) {
  absl::MutexLock lock(&mu_);
  fail_next_ = n;
  fail_status_ = status;
}

void FakeGcsServer::RevokeTokens() {
  absl::MutexLock lock(&mu_);
  valid_tokens_.clear();
}

http::TestResponse FakeGcsServer::Handle(const http::RecordedRequest& request) {
  std::string_view target = request.target;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::map<std::string, std::string> query =
      ParseQuery(q == std::string_view::npos ? "" : target.substr(q + 1));
  if (path == "/token") {
    if (request.method != "POST") return Error(405, "token endpoint wants POST");
    return Token(request);
  }
  const bool auth = !options_.public_key_pem.empty();
  {
    absl::MutexLock lock(&mu_);
    if (fail_next_ > 0) {
      --fail_next_;
      return Error(fail_status_, "injected failure");
    }
    if (auth) {
      std::string header = request.Header("authorization");
      if (!header.starts_with("Bearer ") || valid_tokens_.count(header.substr(7)) == 0) {
        return Error(401, "Invalid Credentials");
      }
    }
  }
  if (request.method != "GET") return Error(405, "only GET is served");
  const std::string bucket_prefix = "/storage/v1/b/";
  if (!path.starts_with(bucket_prefix)) return Error(400, "unknown API path");
  std::string_view rest = path.substr(bucket_prefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return Error(400, "bucket resource is not served");
  if (Decode(rest.substr(0, slash)) != options_.bucket) {
    return Error(404, "The specified bucket does not exist.");
  }
  rest = rest.substr(slash);
  if (rest == "/o") return List(query);
  if (!rest.starts_with("/o/") || rest.size() == 3) return Error(400, "unknown API path");
  // The whole name is one path segment: '/' arrives as %2F.
  std::string name = Decode(rest.substr(3));
  return Object(name, query.count("alt") != 0 && query.at("alt") == "media", request);
}

http::TestResponse FakeGcsServer::Token(const http::RecordedRequest& request) {
  std::map<std::string, std::string> form = ParseQuery(request.body);
  std::string error;
  if (request.Header("content-type") != "application/x-www-form-urlencoded") {
    error = "content type is not application/x-www-form-urlencoded";
  } else if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    error = "unsupported grant_type";
  } else {
    error = CheckAssertion(form["assertion"]);
  }
  absl::MutexLock lock(&mu_);
  if (!error.empty()) {
    last_token_error_ = error;
    return Json(400, {{"error", "invalid_grant"}, {"error_description", error}});
  }
  std::string token = absl::StrCat("token-", ++tokens_issued_);
  valid_tokens_.insert(token);
  return Json(
      200,
      {{"access_token", token}, {"expires_in", options_.expires_in}, {"token_type", "Bearer"}});
}

std::string FakeGcsServer::CheckAssertion(const std::string& jwt) const {
  if (options_.public_key_pem.empty()) return "authentication is off";
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  if (parts.size() != 3) return "assertion is not three dot-separated parts";
  std::string header_json, claims_json, signature;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_json) ||
      !absl::WebSafeBase64Unescape(parts[1], &claims_json) ||
      !absl::WebSafeBase64Unescape(parts[2], &signature)) {
    return "assertion part is not base64url";
  }
  if (!VerifyRs256(options_.public_key_pem, absl::StrCat(parts[0], ".", parts[1]), signature)) {
    return "bad RS256 signature";
  }
  nlohmann::json header = nlohmann::json::parse(header_json, nullptr, false);
  nlohmann::json claims = nlohmann::json::parse(claims_json, nullptr, false);
  if (!header.is_object() || !claims.is_object()) return "header or claims are not JSON objects";
  if (header.value("alg", "") != "RS256" || header.value("typ", "") != "JWT") {
    return "header is not {alg: RS256, typ: JWT}";
  }
  if (claims.value("iss", "") != options_.client_email) return "wrong iss";
  if (claims.value("scope", "") != kReadOnlyScope) return "wrong scope";
  if (claims.value("aud", "") != token_uri()) return "aud is not the token URI";
  int64_t iat = claims.value("iat", int64_t{0});
  int64_t exp = claims.value("exp", int64_t{0});
  if (exp - iat != 3600 || iat <= 0) return "exp is not iat + 3600";
  return "";
}

http::TestResponse FakeGcsServer::List(const std::map<std::string, std::string>& query) const {
  auto param = [&query](const char* key) {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  };
  const std::string prefix = param("prefix"), delimiter = param("delimiter");
  int max_results = options_.page_size;
  if (int asked = 0; absl::SimpleAtoi(param("maxResults"), &asked) && asked > 0) {
    max_results = std::min(max_results, asked);
  }
  std::string after;
  if (!param("pageToken").empty() && !absl::WebSafeBase64Unescape(param("pageToken"), &after)) {
    return Error(400, "Invalid pageToken");
  }
  // Every entry of the listing in name order: objects, and (with a delimiter) the distinct
  // prefixes that stand for the objects below them.
  std::map<std::string, const std::string*> entries;  // name -> data (null for a prefix)
  for (auto it = options_.objects.lower_bound(prefix);
       it != options_.objects.end() && it->first.starts_with(prefix); ++it) {
    size_t cut = delimiter.empty() ? std::string::npos : it->first.find(delimiter, prefix.size());
    if (cut == std::string::npos) {
      entries[it->first] = &it->second;
    } else {
      entries.emplace(it->first.substr(0, cut + delimiter.size()), nullptr);
    }
  }
  nlohmann::json items = nlohmann::json::array(), prefixes = nlohmann::json::array();
  int taken = 0;
  std::string last;
  auto it = after.empty() ? entries.begin() : entries.upper_bound(after);
  for (; it != entries.end() && taken < max_results; ++it, ++taken) {
    last = it->first;
    if (it->second == nullptr) {
      prefixes.push_back(it->first);
    } else {
      items.push_back(
          {{"kind", "storage#object"},
           {"name", it->first},
           {"bucket", options_.bucket},
           {"size", std::to_string(it->second->size())},
           {"updated", absl::FormatTime(absl::RFC3339_full, updated_, absl::UTCTimeZone())}});
    }
  }
  nlohmann::json body = {{"kind", "storage#objects"}};
  // Like GCS, empty lists are left out rather than sent empty.
  if (!items.empty()) body["items"] = items;
  if (!prefixes.empty()) body["prefixes"] = prefixes;
  if (it != entries.end()) body["nextPageToken"] = absl::WebSafeBase64Escape(last);
  return Json(200, body);
}

http::TestResponse FakeGcsServer::Object(const std::string& name, bool media,
                                         const http::RecordedRequest& request) const {
  auto found = options_.objects.find(name);
  if (found == options_.objects.end()) {
    return Error(404, absl::StrCat("No such object: ", options_.bucket, "/", name));
  }
  const std::string& data = found->second;
  if (!media) {
    return Json(200,
                {{"kind", "storage#object"},
                 {"name", name},
                 {"bucket", options_.bucket},
                 {"size", std::to_string(data.size())},
                 {"updated", absl::FormatTime(absl::RFC3339_full, updated_, absl::UTCTimeZone())}});
  }
  http::TestResponse r;
  r.headers = {{"Content-Type", "application/octet-stream"}};
  std::string range = request.Header("range");
  if (range.empty()) {
    r.body = data;
    return r;
  }
  // "bytes=<first>-[<last>]"
  int64_t first = 0, last = static_cast<int64_t>(data.size()) - 1;
  std::string_view spec = range;
  size_t dash = spec.find('-');
  if (!spec.starts_with("bytes=") || dash == std::string_view::npos ||
      !absl::SimpleAtoi(std::string(spec.substr(6, dash - 6)), &first) ||
      (dash + 1 < spec.size() && !absl::SimpleAtoi(std::string(spec.substr(dash + 1)), &last))) {
    return Error(400, absl::StrCat("malformed Range ", range));
  }
  const int64_t size = static_cast<int64_t>(data.size());
  if (first >= size) {
    http::TestResponse unsatisfiable = Error(416, "The requested range cannot be satisfied.");
    unsatisfiable.headers.emplace_back("Content-Range", absl::StrCat("bytes */", size));
    return unsatisfiable;
  }
  if (last < first) return Error(400, absl::StrCat("malformed Range ", range));
  last = std::min(last, size - 1);
  r.status = 206;
  r.headers.emplace_back("Content-Range", absl::StrCat("bytes ", first, "-", last, "/", size));
  r.body = data.substr(static_cast<size_t>(first), static_cast<size_t>(last - first + 1));
  return r;
}

}  // namespace charon::objstore::gcs
