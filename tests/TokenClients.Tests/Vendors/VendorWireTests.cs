using System.Text;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Vendors;

/// <summary>What every vendor's wire tests share: a harness with a mocked token endpoint and a fake clock, and unsigned JWTs.</summary>
public abstract class VendorWireTests : IAsyncDisposable
{
    private protected Harness Harness { get; } = new();

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Harness.DisposeAsync();
    }

    /// <summary>An unsigned JWT whose <c>exp</c> is <paramref name="lifetime"/> from the harness's now.</summary>
    private protected string Jwt(TimeSpan lifetime) =>
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"sub":"u","exp":{{Harness.Time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds()}}}""")) + ".sig";
}
