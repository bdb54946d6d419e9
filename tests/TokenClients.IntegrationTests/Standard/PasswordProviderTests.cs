using System.Net;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Standard;

/// <summary><c>UsePassword</c> against the standard OAuth2 emulator: refresh with rotation, password again when refresh is refused.</summary>
public sealed class PasswordProviderTests() : VendorFacts<StandardOAuth2Emulator, PasswordOptions>(new PasswordCase())
{
    [Fact]
    public async Task Rotated_refresh_tokens_keep_working_across_renewals()
    {
        for (var i = 0; i < 3; i++)
        {
            await AssertApiOkAsync();
            Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        }

        await AssertApiOkAsync();

        Assert.Equal(1, Emulator.Journal.CountGrant("password"));
        Assert.Equal(3, Emulator.Journal.CountGrant("refresh_token"));
        var refreshTokens = Emulator.Journal.TokenRequests.Where(r => r.GrantType == "refresh_token").Select(r => r.Form["refresh_token"]);
        Assert.Equal(3, refreshTokens.Distinct().Count()); // the newest one each time
    }

    [Fact]
    public async Task Without_rotation_the_same_refresh_token_serves_every_renewal()
    {
        ((StandardOAuth2EmulatorOptions)EmulatorOptions).RotateRefreshTokens = false;
        for (var i = 0; i < 3; i++)
        {
            await AssertApiOkAsync();
            Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        }

        await AssertApiOkAsync();

        Assert.Equal(3, Emulator.Journal.CountGrant("refresh_token"));
        var refreshTokens = Emulator.Journal.TokenRequests.Where(r => r.GrantType == "refresh_token").Select(r => r.Form["refresh_token"]);
        Assert.Single(refreshTokens.Distinct());
    }

    [Fact]
    public async Task Refused_refresh_falls_back_to_the_password_grant()
    {
        await AssertApiOkAsync();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertApiOkAsync();

        Assert.Contains(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 400);
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
    }
}
