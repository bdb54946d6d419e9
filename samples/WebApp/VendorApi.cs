using System.Text.Json;

namespace WebApp;

/// <summary>A vendor a user of the sample can connect: the token provider's name and the name people see.</summary>
/// <param name="Name">The token provider's name (a key of <c>TokenProviders</c>).</param>
/// <param name="DisplayName">The vendor's name on the pages.</param>
public sealed record Vendor(string Name, string DisplayName)
{
    /// <summary>Gets the vendors the sample connects, in the order the pages list them.</summary>
    public static IReadOnlyList<Vendor> All { get; } = [new("justlogin", "JustLogin"), new("crm", "Acme CRM")];
}

/// <summary>The account an API answered for.</summary>
/// <param name="Account">The provider's id of the account.</param>
public sealed record Profile(string Account);

/// <summary>
/// A typed client of an API that knows the user's account. Its <see cref="HttpClient"/> is registered with
/// <c>AddUserTokenHandler</c>, so every request carries the signed-in user's token of that provider, refreshed when it
/// expires: the code here never names the user, nor touches a token.
/// </summary>
/// <param name="http">The client, whose <see cref="HttpClient.BaseAddress"/> is the API endpoint.</param>
public abstract class ProfileApi(HttpClient http)
{
    /// <summary>Reads the user's account from the API.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account the API answered for.</returns>
    /// <exception cref="HttpRequestException">The API refused the call.</exception>
    /// <exception cref="TokenClients.InteractionRequiredException">
    /// The user must sign in or connect again (the application's challenge middleware sends them there).
    /// </exception>
    public async Task<Profile> GetProfileAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync((Uri?)null, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return new Profile(answer.RootElement.GetProperty("subject").GetString() ?? string.Empty);
    }
}

/// <summary>The API of the provider the user signed in with, called with the sign-in's own tokens.</summary>
/// <param name="http">The client.</param>
public sealed class SignInProviderApi(HttpClient http) : ProfileApi(http);

/// <summary>The API of a vendor the user connected.</summary>
/// <param name="http">The client.</param>
/// <param name="vendor">The vendor.</param>
public abstract class VendorApi(HttpClient http, Vendor vendor) : ProfileApi(http)
{
    /// <summary>Gets the vendor.</summary>
    public Vendor Vendor { get; } = vendor;
}

/// <summary>JustLogin's API (<c>v1/users/me</c>).</summary>
/// <param name="http">The client.</param>
public sealed class JustLoginApi(HttpClient http) : VendorApi(http, Vendor.All[0]);

/// <summary>Acme CRM's API, a standard OAuth2 provider's.</summary>
/// <param name="http">The client.</param>
public sealed class CrmApi(HttpClient http) : VendorApi(http, Vendor.All[1]);
