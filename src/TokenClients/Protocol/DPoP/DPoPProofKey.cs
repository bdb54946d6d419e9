using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>
/// A provider's DPoP key (RFC 9449): signs one proof per request (ES256 by default; ES384, ES512 or RS256 for a supplied
/// key) and remembers the servers' nonces per origin. The JOSE header with the public JWK is encoded once; a proof costs
/// one payload, one signature and one string. The private key never leaves this object, and nothing prints it.
/// </summary>
internal sealed partial class DPoPProofKey : ProofOfPossessionKey
{
    /// <summary>The request option that marks a token request to send with proofs of this key.</summary>
    public static readonly HttpRequestOptionsKey<DPoPProofKey> RequestKey = new("TokenClients.DPoP");

    /// <summary>The proof's header (RFC 9449 section 4.1).</summary>
    public const string HeaderName = "DPoP";

    /// <summary>The header a server hands out a nonce in (RFC 9449 section 8).</summary>
    public const string NonceHeaderName = "DPoP-Nonce";

    [ThreadStatic]
    private static PayloadWriter? t_payload;

    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;
    private readonly HashAlgorithmName _hash;
    private readonly byte[] _encodedHeader;
    private readonly int _signatureBytes;
    private readonly TimeProvider _time;
    private readonly DPoPNonces _nonces = new();
    private readonly Lock _gate = new();

    private DPoPProofKey(ECDsa? ec, RSA? rsa, string algorithm, string publicJwk, TimeProvider time, bool generated)
    {
        _ec = ec;
        _rsa = rsa;
        Algorithm = algorithm;
        Generated = generated;
        _time = time;
        _hash = algorithm switch
        {
            "ES384" => HashAlgorithmName.SHA384,
            "ES512" => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
        _signatureBytes = rsa is not null ? rsa.KeySize / 8 : 2 * ((ec!.KeySize + 7) / 8);

        // The public JWK holds the required members only, in lexicographic order: it is also the thumbprint's input (RFC 7638).
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(publicJwk)));
        var header = Encoding.ASCII.GetBytes($"{{\"typ\":\"dpop+jwt\",\"alg\":\"{algorithm}\",\"jwk\":{publicJwk}}}");
        _encodedHeader = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(header) + ".");
    }

    /// <summary>Gets the JWS algorithm of the proofs.</summary>
    public string Algorithm { get; }

    /// <summary>Gets a value indicating whether the key was generated here rather than supplied.</summary>
    public bool Generated { get; }

    /// <inheritdoc/>
    public override string Thumbprint { get; }

    /// <summary>Generates a new P-256 key (ES256).</summary>
    public static DPoPProofKey Generate(TimeProvider time) => FromEc(ECDsa.Create(ECCurve.NamedCurves.nistP256), time, generated: true);

    /// <inheritdoc/>
    public override string CreateProof(string method, Uri target, AccessToken? token)
    {
        // htu: the address without query and fragment (RFC 9449 section 4.2); the nonce is the one known for its origin.
        // An internationalised host goes in its punycode form, as the HTTP stack sends it.
        var htu = IsInternationalised(target) ? OriginOf(target) + target.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped)
            : target.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        var payload = t_payload ??= new PayloadWriter();
        var json = payload.Write(method, htu, _time.GetUtcNow().ToUnixTimeSeconds(), token?.ProofHash, _nonces.Find(htu));

        var inputLength = _encodedHeader.Length + Base64Url.GetEncodedLength(json.Length);
        var total = inputLength + 1 + Base64Url.GetEncodedLength(_signatureBytes);
        var rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var proof = rented.AsSpan(0, total);
            _encodedHeader.CopyTo(proof);
            Base64Url.EncodeToUtf8(json, proof[_encodedHeader.Length..]);
            Span<byte> signature = _signatureBytes <= 1024 ? stackalloc byte[_signatureBytes] : new byte[_signatureBytes];
            Sign(proof[..inputLength], signature);
            proof[inputLength] = (byte)'.';
            Base64Url.EncodeToUtf8(signature, proof[(inputLength + 1)..]);
            return Encoding.ASCII.GetString(proof);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public override bool RememberNonce(Uri? target, HttpResponseMessage response) =>
        target is { IsAbsoluteUri: true } && response.Headers.TryGetValues(NonceHeaderName, out var values)
        && values.FirstOrDefault() is { } nonce && _nonces.Remember(OriginOf(target), nonce);

    /// <summary>
    /// The origin of <paramref name="target"/> as the request reaches the server (<c>scheme://host[:port]</c>, default port
    /// left out): an internationalised host in its punycode form, which is what the HTTP stack sends (Host header, SNI).
    /// </summary>
    private static string OriginOf(Uri target) =>
        IsInternationalised(target)
            ? target.IsDefaultPort ? $"{target.Scheme}://{target.IdnHost}" : string.Create(CultureInfo.InvariantCulture, $"{target.Scheme}://{target.IdnHost}:{target.Port}")
            : target.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    private static bool IsInternationalised(Uri target) =>
        target.HostNameType == UriHostNameType.Dns && !string.Equals(target.Host, target.IdnHost, StringComparison.Ordinal);

    /// <summary>Signs <paramref name="input"/> into <paramref name="signature"/> (JWS form: r‖s for EC).</summary>
    private void Sign(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        bool signed;
        int written;
        lock (_gate)
        {
            signed = _rsa is not null
                ? _rsa.TrySignData(input, signature, _hash, RSASignaturePadding.Pkcs1, out written)
                : _ec!.TrySignData(input, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out written);
        }

        if (!signed || written != signature.Length)
        {
            throw new CryptographicException("The DPoP proof could not be signed.");
        }
    }

    /// <summary>Writes proof payloads into one buffer per thread: <c>jti</c>, <c>htm</c>, <c>htu</c>, <c>iat</c>, then <c>ath</c> and <c>nonce</c> when present.</summary>
    private sealed class PayloadWriter : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(512);
        private readonly Utf8JsonWriter _writer;

        public PayloadWriter() => _writer = new Utf8JsonWriter(_buffer);

        public void Dispose() => _writer.Dispose();

        public ReadOnlySpan<byte> Write(string method, string htu, long issuedAt, string? ath, string? nonce)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            Span<byte> random = stackalloc byte[16];
            RandomNumberGenerator.Fill(random);
            Span<byte> jti = stackalloc byte[22];
            Base64Url.EncodeToUtf8(random, jti);
            _writer.WriteStartObject();
            _writer.WriteString("jti"u8, jti);
            _writer.WriteString("htm"u8, method);
            _writer.WriteString("htu"u8, htu);
            _writer.WriteNumber("iat"u8, issuedAt);
            if (ath is not null)
            {
                _writer.WriteString("ath"u8, ath);
            }

            if (nonce is not null)
            {
                _writer.WriteString("nonce"u8, nonce);
            }

            _writer.WriteEndObject();
            _writer.Flush();
            return _buffer.WrittenSpan;
        }
    }
}
