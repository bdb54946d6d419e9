using System.Net;
using System.Net.Sockets;
using TokenClients.IntegrationTests.Support;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Faults;

/// <summary>
/// Every vendor against every fault its token endpoint can show, through the emulators' fault injection over real
/// HTTP: a transient fault ends in a token after a retry, anything else in a <see cref="TokenRequestException"/>
/// that names the provider, the status and the error; nothing from a failed answer is cached. JustLogin's token request
/// is an authorization-code exchange, a one-time credential: it is not sent again once the server may have seen it.
/// </summary>
public sealed class FaultMatrixTests
{
    public static TheoryData<string, int> TransientStatuses => Matrix(RetryableVendors, 500, 502, 503, 504);

    public static TheoryData<string, string> MalformedAnswers => Matrix(VendorRig.Names, "malformed-json", "html", "empty", "no-access-token", "oversized");

    public static TheoryData<string> Vendors => [.. VendorRig.Names];

    /// <summary>The vendors whose token request is idempotent (all but JustLogin's code exchange).</summary>
    public static TheoryData<string> IdempotentVendors => [.. RetryableVendors];

    private static IReadOnlyList<string> RetryableVendors => [.. VendorRig.Names.Where(v => v != "justlogin")];

    [Theory]
    [MemberData(nameof(TransientStatuses))]
    public async Task Transient_status_is_retried_and_ends_in_a_token(string vendor, int status)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System);
        rig.Emulator.Faults.Enqueue(EmulatorFault.Status(status));

        var token = await rig.AcquireAsync();

        Assert.True(rig.Emulator.IsLive(token.Value));
        Assert.Equal([status, 200], TokenStatuses(rig)[..2]);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Code_exchange_answered_with_a_transient_status_is_not_sent_again(int status)
    {
        await using var rig = await VendorRig.StartAsync("justlogin", TimeProvider.System);
        rig.Emulator.Faults.Enqueue(EmulatorFault.Status(status, retryAfter: status == 429 ? TimeSpan.FromSeconds(1) : null));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal("justlogin", failure.ProviderName);
        Assert.Contains("authorization code was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Equal([status], TokenStatuses(rig));
    }

    [Fact]
    public async Task Code_exchange_answered_after_the_attempt_timeout_is_not_sent_again()
    {
        await using var rig = await VendorRig.StartAsync("justlogin", TimeProvider.System, resilience: r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));
        rig.Emulator.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(1)));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Contains("authorization code was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Contains("attempt timeout (0.3 s)", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(IdempotentVendors))]
    public async Task Too_many_requests_is_retried_after_the_retry_after_delay(string vendor)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System);
        rig.Emulator.Faults.Enqueue(EmulatorFault.Status(429, retryAfter: TimeSpan.FromSeconds(1)));

        var token = await rig.AcquireAsync();

        Assert.True(rig.Emulator.IsLive(token.Value));
        var requests = rig.Emulator.Journal.TokenRequests;
        Assert.Equal([429, 200], TokenStatuses(rig)[..2]);

        // The standard back-off here is 50 ms: only Retry-After explains a wait of about a second.
        Assert.True(requests[1].Timestamp - requests[0].Timestamp >= TimeSpan.FromMilliseconds(900), "Retry-After was not honoured.");
    }

    [Theory]
    [MemberData(nameof(IdempotentVendors))]
    public async Task Answer_slower_than_the_attempt_timeout_is_abandoned_and_retried(string vendor)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System, resilience: r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));
        rig.Emulator.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(5)));

        var token = await rig.AcquireAsync();

        Assert.True(rig.Emulator.IsLive(token.Value));
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task Refused_connection_is_a_token_request_exception(string vendor)
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System, tokenEndpointBase: new Uri($"http://127.0.0.1:{port}/"));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal(ProviderOf(vendor), failure.ProviderName);
        Assert.Null(failure.StatusCode);
        Assert.Contains("could not be reached: the connection could not be established", failure.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Emulator.Journal.TokenRequests);
    }

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public async Task Malformed_success_answer_is_a_token_request_exception_and_nothing_is_cached(string vendor, string answer)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System);
        rig.Emulator.Faults.Enqueue(answer switch
        {
            "malformed-json" => EmulatorFault.MalformedJson(),
            "html" => EmulatorFault.Html(),
            "empty" => EmulatorFault.EmptyBody(),
            "no-access-token" => EmulatorFault.MissingAccessToken(),
            _ => EmulatorFault.Oversized(2 * TokenClientsHttp.MaxResponseBytes),
        });

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal(ProviderOf(vendor), failure.ProviderName);
        Assert.Equal(HttpStatusCode.OK, failure.StatusCode);
        Assert.Contains($"'{ProviderOf(vendor)}'", failure.Message, StringComparison.Ordinal);

        // The next call asks again and succeeds: the failed answer left nothing behind.
        var token = await rig.AcquireAsync();
        Assert.True(rig.Emulator.IsLive(token.Value));
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task Wrong_client_credentials_are_reported_with_the_vendors_status_and_error(string vendor)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System,
            credentials: (vendor == "justlogin" ? "demo-client" : "unknown-client", "wrong-secret", "alice", "alice-password"));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal(ProviderOf(vendor), failure.ProviderName);
        var (status, error) = vendor switch
        {
            "mluvii" => (HttpStatusCode.BadRequest, "invalid_client"),
            "telmai" => (HttpStatusCode.Unauthorized, null), // telmai.md: {"description": ...}, no OAuth error code
            _ => (HttpStatusCode.Unauthorized, "invalid_client"),
        };
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal(error, failure.Error);
        Assert.Single(rig.Emulator.Journal.TokenRequests); // 400 and 401 are never retried
    }

    [Theory]
    [InlineData("moodhood", HttpStatusCode.BadRequest, "invalid_grant")]
    [InlineData("oli", HttpStatusCode.Unauthorized, "invalid_grant")]
    [InlineData("telmai", HttpStatusCode.Unauthorized, null)]
    public async Task Wrong_password_is_reported_with_the_vendors_status_and_error(string vendor, HttpStatusCode status, string? error)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System,
            credentials: ("demo-client", "demo-secret", "alice", "not-her-password"));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal(vendor, failure.ProviderName);
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal(error, failure.Error);
        Assert.DoesNotContain("not-her-password", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telmai_description_error_reaches_the_message()
    {
        await using var rig = await VendorRig.StartAsync("telmai", TimeProvider.System);
        rig.Emulator.Faults.Enqueue(EmulatorFault.Answer(403, "application/json", """{"description":"Tenant is disabled"}"""));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        // telmai.md: errors are {"description": "..."}, not the OAuth shape.
        Assert.Equal(HttpStatusCode.Forbidden, failure.StatusCode);
        Assert.Equal("Tenant is disabled", failure.ErrorDescription);
        Assert.Contains("Tenant is disabled", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task Circuit_opens_after_repeated_failures_and_closes_again(string vendor)
    {
        await using var rig = await VendorRig.StartAsync(vendor, TimeProvider.System, resilience: r =>
        {
            r.Retry.MaxRetryAttempts = 1;
            r.CircuitBreaker.MinimumThroughput = 4;
            r.CircuitBreaker.FailureRatio = 0.5;
            r.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(1);
        });
        rig.Emulator.Faults.Enqueue(EmulatorFault.Status(503), times: 100);

        TokenRequestException? broken = null;
        for (var attempt = 0; attempt < 10 && broken is null; attempt++)
        {
            var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);
            if (failure.InnerException?.GetType().FullName == "Polly.CircuitBreaker.BrokenCircuitException")
            {
                broken = failure;
            }
        }

        Assert.NotNull(broken);
        Assert.Equal(ProviderOf(vendor), broken.ProviderName);
        Assert.Contains("circuit breaker of this token endpoint is open", broken.Message, StringComparison.Ordinal);
        var seenWhileOpen = rig.Emulator.Journal.TokenRequests.Count;
        await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);
        Assert.Equal(seenWhileOpen, rig.Emulator.Journal.TokenRequests.Count); // an open circuit sends nothing

        rig.Emulator.Faults.Clear();
        await Task.Delay(TimeSpan.FromSeconds(1.2), TimeProvider.System);
        var token = await rig.AcquireAsync();
        Assert.True(rig.Emulator.IsLive(token.Value));
    }

    private static int[] TokenStatuses(VendorRig rig) => [.. rig.Emulator.Journal.TokenRequests.Select(r => r.StatusCode)];

    // MoodHood's first token request is the client stage, a provider of its own.
    private static string ProviderOf(string vendor) => vendor == "moodhood" ? "moodhood.client" : vendor;

    private static TheoryData<string, T> Matrix<T>(IEnumerable<string> vendors, params T[] faults)
    {
        var data = new TheoryData<string, T>();
        foreach (var vendor in vendors)
        {
            foreach (var fault in faults)
            {
                data.Add(vendor, fault);
            }
        }

        return data;
    }
}
