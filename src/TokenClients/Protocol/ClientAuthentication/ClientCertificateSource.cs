using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>
/// One provider's client certificate (RFC 8705), loaded once when first needed and shared by the token endpoint's
/// HttpClient and every API client that presents it. Disposes only a certificate it loaded itself.
/// </summary>
/// <param name="providerName">The provider, for messages.</param>
/// <param name="options">The provider's certificate settings, read when the certificate is first needed.</param>
internal sealed class ClientCertificateSource(string providerName, Func<ClientCertificateOptions?> options) : IDisposable
{
    private readonly Lock _gate = new();
    private X509Certificate2? _certificate;
    private bool _owned;

    /// <summary>Gets the provider the certificate belongs to.</summary>
    public string ProviderName { get; } = providerName;

    /// <summary>Gets a value indicating whether the provider is configured with a client certificate.</summary>
    public bool IsConfigured => options() is { IsSet: true };

    /// <summary>Gets a value indicating whether every access token of the provider is bound to the certificate.</summary>
    public bool BoundAccessTokens => options() is { IsSet: true, BoundAccessTokens: true };

    /// <summary>Gets the certificate's SHA-256 thumbprint, base64url: what a bound token's <c>cnf</c> names (<c>x5t#S256</c>).</summary>
    public string Thumbprint => field ??= ThumbprintOf(Certificate);

    /// <summary>Gets the certificate, loading it on first use.</summary>
    /// <exception cref="InvalidOperationException">No certificate is configured, or it cannot be loaded.</exception>
    public X509Certificate2 Certificate
    {
        get
        {
            lock (_gate)
            {
                if (_certificate is null)
                {
                    var settings = options() is { IsSet: true } set ? set
                        : throw new InvalidOperationException($"Token provider '{ProviderName}' has no client certificate: set ClientCertificate:Path, ClientCertificate:Thumbprint or ClientCertificate:Certificate.");
                    _owned = settings.Certificate is null;
                    _certificate = settings.Certificate ?? Load(settings);
                }

                return _certificate;
            }
        }
    }

    /// <summary>Loads the certificate the settings name (not a <see cref="ClientCertificateOptions.Certificate"/> object).</summary>
    /// <exception cref="InvalidOperationException">It cannot be loaded; the message names the setting.</exception>
    public static X509Certificate2 Load(ClientCertificateOptions settings) => CertificateLoader.Load(
        "ClientCertificate", nameof(settings.Path), settings.Path, settings.Password, settings.KeyPath,
        nameof(settings.Thumbprint), settings.Thumbprint, settings.StoreLocation)
        ?? throw new InvalidOperationException("set ClientCertificate:Path, ClientCertificate:Thumbprint or ClientCertificate:Certificate.");

    /// <summary>The SHA-256 thumbprint of <paramref name="certificate"/>, base64url (<c>x5t#S256</c>).</summary>
    public static string ThumbprintOf(X509Certificate certificate) => Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>
    /// Reads, without validating the token, the <c>x5t#S256</c> of a JWT access token's <c>cnf</c> claim: the certificate
    /// the token is bound to. <see langword="null"/> for an opaque token or one without that confirmation.
    /// </summary>
    public static string? BoundThumbprintOf(string accessToken)
    {
        var first = accessToken.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : accessToken.IndexOf('.', first + 1);
        if (second < 0 || second - first - 1 > 64 * 1024)
        {
            return null;
        }

        var payload = accessToken.AsSpan(first + 1, second - first - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, written));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("cnf", out var cnf) && cnf.ValueKind == JsonValueKind.Object
                && cnf.TryGetProperty("x5t#S256", out var thumbprint) && thumbprint.ValueKind == JsonValueKind.String
                ? thumbprint.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_owned)
            {
                _certificate?.Dispose();
            }

            _certificate = null;
        }
    }
}
