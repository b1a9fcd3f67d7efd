// A 2048-bit RSA key made for the GCS tests only (it signs nothing outside them), and an RS256
// vector computed with the OpenSSL command line:
//   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem
//   openssl pkey -in key.pem -pubout
//   printf %s "$kTestJwtSigningInput" | openssl dgst -sha256 -sign key.pem | base64url
#ifndef CHARON_OBJSTORE_GCS_TEST_KEY_H_
#define CHARON_OBJSTORE_GCS_TEST_KEY_H_

namespace charon::objstore::gcs {

inline constexpr char kTestPrivateKeyPem[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC80XsEaNeRA+uc
Sh1918o89NObmYy5QyuNJj/K6Lm4sRGYSAHL5qkFYG3kraBbNeyvMDgKGx9iZggF
07K5RIjR9xcYr9fGUpd7T+L4xwtvY7MpRK7TtdRx6AFFLCGYrCNNGnUEfwvwySWg
MaHPy9fl73F3to2ZnHjvU05Vtqsrd8/Hjjk+g/+DtP3j6INrl1bANE2vlWNElPU8
B06ImAA9jEG6f0keOC85j/2aq2cZUe32+DoB4SkIBP9xlQjwerL2Wx5GWLLt8rXL
dCDxy5BBlxA283Fxgj+6XLQbAMmX6YKElhY0nK+DzdI85nLW/g4qu3FPd19Sn3j8
sbRp1JLRAgMBAAECggEADoOkyu07Ota8DwbEdxa2IVLpjEG0p04SRDafOzwCAMA9
u8C3QKMBtZvYvrYZCEHgKIRSnnZAxpnUvovsJmEuCkPN5vQnaEOTiONWbWyxhJW7
oS26KaSFyN6+cECI8Zkz2nqw6ZBRjOgNaB/Akj5XYYGzLXJfNqJoSm9TK3QP+taI
WV0YuYGTqH6H2J7vEtq3e2UtZRJhrDlWOXwrhNzrOhU1A0zhghzqb2VND2QLHTaX
fuOlD3rID1xTIE1eZfq7fCU+Gn79b5ejTsrTR19/8RlMjY2NPp5YoT3rAbQiO9oU
ricUMjZI2CJRNhN80UnZcR4vBIgV9oesXPRmqRlEsQKBgQDdJcOnkpK7LtNKwXPX
DyPKW52uVStMFes+GZ1wY/KD9uWqlcPJyGYwhiubdUsl5Wp0ZdLueBD6GmOhJ6op
AyhIDYVU54j/DJ61ww31+S018mxW1O+7nFas1qbQOj5ehgSXDxs1RO5FgLoZ2TS0
JbB1u+rYJhMyb7CO6SjhpBotmQKBgQDak2M6wf5/CJWCPdgfqVWc+pCPguAmXvnh
eTaUxn/m9vyeGt3iZulA78z9teEzbmIiiEImCtGKZzObDwJHNM0aTu0fwjqPZw9t
tfFc5p2MkwUWQdrqQPjytkC7sFMIMdq6vVV1ybW0EXmqa5yPVJfJzXdyY/1wDAyo
+V0Dh9mh+QKBgC7VS40WXlqjvP1s4JJf022MX2VHBidT0QDSvePKVtaZl+O7Wb5G
4VVPZLbEbUi2QAgsdDIqXTYKFqVPWBrdX097BYyIiBuzWX0WtMMtpORy1XzCFY7+
ueBaiPM6EnFEIn63JUTvtyIi88Z7mEy6WpdkV4S084XP3200dYLrlNupAoGALZJN
PhL0XMgNY/pA9Vj44KHdQg6nbVigAMKk/p/kSuN0CALSAEI0n7VfqAYjzfVVwJ1o
LUZUKecae1nFv9LicHnENrroOr3iGZ21lQkAEC8XAGz6l5y0SuZ02K0KosrCL+0J
xGUp3UFHfKCzI68fdpPAM7llPddFTHWxTuskFQECgYBGB7bNUgUHAIIWqKLkNj96
BbHtYcLAvWN6lQuNXaoi+tpdWq77TPbypS5LzZPQ5ewiTOu9e9Ntj6S8MWEKhSNo
wp6gSPUrvOrjmtAXya/446bILXMsjkQCu3NT74EXyLhMLU1WbzXvsQCwvML1AnI1
XAZ/gjY0gLP1RnDadEMvgQ==
-----END PRIVATE KEY-----
)";

inline constexpr char kTestPublicKeyPem[] = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvNF7BGjXkQPrnEodfdfK
PPTTm5mMuUMrjSY/yui5uLERmEgBy+apBWBt5K2gWzXsrzA4ChsfYmYIBdOyuUSI
0fcXGK/XxlKXe0/i+McLb2OzKUSu07XUcegBRSwhmKwjTRp1BH8L8MkloDGhz8vX
5e9xd7aNmZx471NOVbarK3fPx445PoP/g7T94+iDa5dWwDRNr5VjRJT1PAdOiJgA
PYxBun9JHjgvOY/9mqtnGVHt9vg6AeEpCAT/cZUI8Hqy9lseRliy7fK1y3Qg8cuQ
QZcQNvNxcYI/uly0GwDJl+mChJYWNJyvg83SPOZy1v4OKrtxT3dfUp94/LG0adSS
0QIDAQAB
-----END PUBLIC KEY-----
)";

inline constexpr char kTestClientEmail[] = "charon-test@charon-test.iam.gserviceaccount.com";
inline constexpr char kTestPrivateKeyId[] = "0123456789abcdef";

// The JWT signing input for kTestClientEmail/kTestPrivateKeyId, the read-only scope, Google's
// token URI and iat 1700000000, as base64url(JSON with sorted keys, no spaces).
inline constexpr char kTestJwtSigningInput[] =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjAxMjM0NTY3ODlhYmNkZWYiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczo"
    "vL29hdXRoMi5nb29nbGVhcGlzLmNvbS90b2tlbiIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNzAwMDAwMDAwLCJpc"
    "3MiOiJjaGFyb24tdGVzdEBjaGFyb24tdGVzdC5pYW0uZ3NlcnZpY2VhY2NvdW50LmNvbSIsInNjb3BlIjoiaHR0cHM"
    "6Ly93d3cuZ29vZ2xlYXBpcy5jb20vYXV0aC9kZXZzdG9yYWdlLnJlYWRfb25seSJ9";

// base64url(RS256(kTestPrivateKeyPem, kTestJwtSigningInput)).
inline constexpr char kTestJwtSignature[] =
    "hrOKSq3_IHhe_CN1OUI54u2_Y9PCX3X52cf2xrQkR_De8_4dowC2_EovteQL4J9ODOtkNlKGaE1F0GxZiTb-Xwy2In"
    "OR8KHckqiZgq-9ANV2BpkSMAKtf8ISfYjYqCyX2dPJ30-mytdSXXi6dSp043qpYuftbDATdg2E0EBCCXikyylcTXUT"
    "fNAk3Y3tXoXoUYLAI22o8hLUdWHCsYup4uLtN0OFthxxAAeiK9Gu2RmT4Xtu9WrCn1hZvLjKEOC3mhrovIBmyB-iSa"
    "TRxuqM8s56_gt-TcBXQSNPD-zswKp_oiv2CDV5F6CYROkPOm_2iKbGKXInvT8kFk9pvuvbfg";

}  // namespace charon::objstore::gcs

#endif  // CHARON_OBJSTORE_GCS_TEST_KEY_H_
