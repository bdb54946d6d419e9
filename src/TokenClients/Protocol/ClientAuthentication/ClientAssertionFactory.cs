using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>
/// Builds one client's assertions (RFC 7523 section 3): <c>iss</c> and <c>sub</c> the client id, the audience, a random
/// <c>jti</c>, <c>iat</c> and <c>exp</c> from the provider's clock. Every call returns a new assertion; none is kept.
/// </summary>
/// <param name="providerName">The provider, for an assertion source.</param>
/// <param name="method">The client authentication method (private_key_jwt or client_secret_jwt).</param>
/// <param name="options">The client's options.</param>
/// <param name="time">The provider's clock.</param>
internal sealed class ClientAssertionFactory(string providerName, ClientAuthenticationMethod method, OAuth2ClientOptions options, TimeProvider time)
{
    private AssertionSigningKey? _key;

    /// <summary>Returns a new assertion for <paramref name="audience"/>.</summary>
    public async ValueTask<string> CreateAsync(string audience, CancellationToken cancellationToken)
    {
        var issuedAt = time.GetUtcNow();
        var expiresAt = issuedAt + options.ClientAssertion.Lifetime;
        if (method == ClientAuthenticationMethod.PrivateKeyJwt && options.ClientAssertion.Source is { } source)
        {
            return await source.GetAssertionAsync(
                new ClientAssertionContext { ProviderName = providerName, ClientId = options.ClientId!, Audience = audience, IssuedAt = issuedAt, ExpiresAt = expiresAt },
                cancellationToken).ConfigureAwait(false);
        }

        var key = _key ??= AssertionSigningKey.Load(method, options.ClientSecret, options.ClientAssertion)!;
        return Sign(key, options.ClientId!, audience, issuedAt, expiresAt);
    }

    private static string Sign(AssertionSigningKey key, string clientId, string audience, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var header = new Utf8JsonWriter(buffer))
        {
            header.WriteStartObject();
            header.WriteString("alg", key.Algorithm);
            header.WriteString("typ", "JWT");
            if (key.KeyId is { } kid)
            {
                header.WriteString("kid", kid);
            }

            if (key.CertificateHash is { } hash)
            {
                header.WriteString("x5t#S256", hash);
            }

            header.WriteEndObject();
        }

        var encodedHeader = Base64Url.EncodeToString(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
        using (var payload = new Utf8JsonWriter(buffer))
        {
            payload.WriteStartObject();
            payload.WriteString("iss", clientId);
            payload.WriteString("sub", clientId);
            payload.WriteString("aud", audience);
            payload.WriteString("jti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
            payload.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            payload.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            payload.WriteEndObject();
        }

        var signingInput = encodedHeader + "." + Base64Url.EncodeToString(buffer.WrittenSpan);
        return signingInput + "." + Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }
}

/// <summary>
/// Marks a token request whose client authenticates with an assertion. The assertion is not in the message: the
/// <see cref="ClientAssertionHandler"/> inside every attempt adds a new one, so a resent attempt never repeats a
/// <c>jti</c> the server may have seen.
/// </summary>
/// <param name="factory">Builds the assertions.</param>
/// <param name="audience">The audience, or <see langword="null"/> for the address the attempt goes to.</param>
internal sealed class ClientAssertionRequest(ClientAssertionFactory factory, string? audience)
{
    /// <summary>The request option that carries the mark.</summary>
    public static readonly HttpRequestOptionsKey<ClientAssertionRequest> Key = new("TokenClients.ClientAssertion");

    public static void Mark(HttpRequestMessage request, ClientAssertionFactory factory, string? audience) =>
        request.Options.Set(Key, new ClientAssertionRequest(factory, audience));

    public ValueTask<string> CreateAsync(Uri endpoint, CancellationToken cancellationToken) =>
        factory.CreateAsync(audience ?? endpoint.GetLeftPart(UriPartial.Path), cancellationToken);
}
