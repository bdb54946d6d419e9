using System.Buffers.Text;
using System.Text.Json;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>A DPoP proof's header and payload, decoded for assertions (the server checks the signature).</summary>
internal sealed record DPoPProofView(JsonElement Header, JsonElement Payload)
{
    public bool Has(string claim) => Payload.TryGetProperty(claim, out _);

    public string Claim(string claim) => Payload.GetProperty(claim).ToString();

    public static DPoPProofView Read(string compact)
    {
        var parts = compact.Split('.');
        return new DPoPProofView(
            JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.Clone(),
            JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone());
    }
}
