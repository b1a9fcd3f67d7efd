#include "objstore/gcs/service_account.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::objstore::gcs {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::StatusOr<PkeyPtr> LoadRsaPrivateKey(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError("private_key is not a PEM private key");
  }
  if (!EVP_PKEY_is_a(key.get(), "RSA")) {
    return absl::InvalidArgumentError("private_key is not an RSA key (RS256 needs one)");
  }
  return key;
}

}  // namespace

absl::StatusOr<ServiceAccountKey> ParseServiceAccountKey(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("service account key is not a JSON object");
  }
  auto text = [&doc](const char* field) -> std::string {
    auto it = doc.find(field);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string type = text("type");
  if (type != "service_account") {
    return absl::UnimplementedError(absl::StrCat(
        "credentials of type \"", type,
        "\" are not supported by Charon; use a service account key (type service_account)"));
  }
  ServiceAccountKey key;
  key.client_email = text("client_email");
  key.private_key = text("private_key");
  key.private_key_id = text("private_key_id");
  key.project_id = text("project_id");
  if (std::string uri = text("token_uri"); !uri.empty()) key.token_uri = uri;
  if (key.client_email.empty()) {
    return absl::InvalidArgumentError("service account key has no client_email");
  }
  if (key.private_key.empty()) {
    return absl::InvalidArgumentError("service account key has no private_key");
  }
  absl::StatusOr<PkeyPtr> loaded = LoadRsaPrivateKey(key.private_key);
  if (!loaded.ok()) return loaded.status();
  return key;
}

std::string Base64UrlEncode(std::string_view data) {
  // absl's web-safe variant is base64url without padding.
  return absl::WebSafeBase64Escape(base::Absl(data));
}

std::string JwtSigningInput(const ServiceAccountKey& key, std::string_view scope, absl::Time iat) {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key.private_key_id.empty()) header["kid"] = key.private_key_id;
  const int64_t issued = absl::ToUnixSeconds(iat);
  nlohmann::json claims = {{"iss", key.client_email},
                           {"scope", std::string(scope)},
                           {"aud", key.token_uri},
                           {"iat", issued},
                           {"exp", issued + 3600}};
  return absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(claims.dump()));
}

absl::StatusOr<std::string> SignRs256(std::string_view private_key_pem, std::string_view data) {
  absl::StatusOr<PkeyPtr> key = LoadRsaPrivateKey(private_key_pem);
  if (!key.ok()) return key.status();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->get()) != 1) {
    return absl::InternalError("EVP_DigestSignInit failed");
  }
  size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1) {
    return absl::InternalError("EVP_DigestSign (size) failed");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, in,
                     data.size()) != 1) {
    return absl::InternalError("EVP_DigestSign failed");
  }
  signature.resize(size);
  return signature;
}

absl::StatusOr<std::string> MakeJwtAssertion(const ServiceAccountKey& key, std::string_view scope,
                                             absl::Time iat) {
  std::string input = JwtSigningInput(key, scope, iat);
  absl::StatusOr<std::string> signature = SignRs256(key.private_key, input);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(input, ".", Base64UrlEncode(*signature));
}

}  // namespace charon::objstore::gcs
