using System.Net;
using System.Net.Sockets;
using TokenClients.IntegrationTests.Support.VendorCases;
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

    public static TheoryData<string, string> MalformedAnswers => Matrix(VendorCase.Vendors, "malformed-json", "html", "empty", "no-access-token", "oversized");

    public static TheoryData<string> Vendors => VendorCase.VendorNames;

    /// <summary>The vendors whose token request is idempotent (all but JustLogin's code exchange).</summary>
    public static TheoryData<string> IdempotentVendors => [.. RetryableVendors.Select(v => v.Name)];

    /// <summary>The vendors that take a password.</summary>
    public static TheoryData<string> PasswordVendors => [.. VendorCase.Vendors.Where(v => v.WrongPasswordRefusal is not null).Select(v => v.Name)];

    private static IReadOnlyList<VendorCase> RetryableVendors => [.. VendorCase.Vendors.Where(v => v.IsIdempotent)];

    [Theory]
    [MemberData(nameof(TransientStatuses))]
    public async Task Transient_status_is_retried_and_ends_in_a_token(string vendor, int status)
    {
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System);
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
        await using var rig = await new JustLoginCase().StartAsync(TimeProvider.System);
        rig.Emulator.Faults.Enqueue(EmulatorFault.Status(status, retryAfter: status == 429 ? TimeSpan.FromSeconds(1) : null));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal("justlogin", failure.ProviderName);
        Assert.Contains("authorization code was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Equal([status], TokenStatuses(rig));
    }

    [Fact]
    public async Task Code_exchange_answered_after_the_attempt_timeout_is_not_sent_again()
    {
        await using var rig = await new JustLoginCase().StartAsync(TimeProvider.System, resilience: r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));
        rig.Emulator.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(1)));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Contains("authorization code was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Contains("attempt timeout (0.3 s)", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(IdempotentVendors))]
    public async Task Too_many_requests_is_retried_after_the_retry_after_delay(string vendor)
    {
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System);
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
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System, resilience: r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));
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
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System, tokenEndpointBase: new Uri($"http://127.0.0.1:{port}/"));

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
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System);
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
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System,
            credentials: VendorCase.Named(vendor).WrongClient);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal(ProviderOf(vendor), failure.ProviderName);
        rig.Case.WrongClientRefusal.AssertMatches(failure);
        Assert.Single(rig.Emulator.Journal.TokenRequests); // 400 and 401 are never retried
    }

    [Theory]
    [MemberData(nameof(PasswordVendors))]
    public async Task Wrong_password_is_reported_with_the_vendors_status_and_error(string vendor)
    {
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System,
            credentials: VendorCredentials.Demo with { Password = "not-her-password" });

        var failure = await Assert.ThrowsAsync<TokenRequestException>(rig.AcquireAsync);

        Assert.Equal(vendor, failure.ProviderName);
        rig.Case.WrongPasswordRefusal!.AssertMatches(failure);
        Assert.DoesNotContain("not-her-password", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telmai_description_error_reaches_the_message()
    {
        await using var rig = await new TelmaiCase().StartAsync(TimeProvider.System);
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
        await using var rig = await VendorCase.Named(vendor).StartAsync(TimeProvider.System, resilience: r =>
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

    private static int[] TokenStatuses(VendorApp rig) => [.. rig.Emulator.Journal.TokenRequests.Select(r => r.StatusCode)];

    private static string ProviderOf(string vendor) => VendorCase.Named(vendor).FirstProviderName;

    private static TheoryData<string, T> Matrix<T>(IEnumerable<VendorCase> vendors, params T[] faults)
    {
        var data = new TheoryData<string, T>();
        foreach (var vendor in vendors)
        {
            foreach (var fault in faults)
            {
                data.Add(vendor.Name, fault);
            }
        }

        return data;
    }
}
