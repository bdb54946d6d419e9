using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>Callers of one key share one request: its result, its failure, but not their cancellations.</summary>
public sealed class TokenProviderConcurrencyTests : TokenProviderTestBase
{
    [Fact]
    public async Task Thousand_concurrent_callers_on_a_cold_key_cause_exactly_one_request()
    {
        var gate = new TaskCompletionSource();
        Client.Gate = gate.Task;

        var provider = Provider; // created once, before the callers race
        var callers = Enumerable.Range(0, 1000).Select(_ => Task.Run(() => provider.GetTokenAsync().AsTask())).ToArray();
        while (Client.Requests == 0)
        {
            await Task.Yield();
        }

        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Equal(1, Client.Requests);
        Assert.Single(tokens.Select(t => t.Value).Distinct());
    }

    [Fact]
    public async Task Failure_reaches_every_waiter_and_is_not_cached()
    {
        var gate = new TaskCompletionSource();
        Client.Gate = gate.Task;
        Client.OnRequest = _ => throw new TokenRequestException("test", System.Net.HttpStatusCode.ServiceUnavailable, null, null);

        var waiters = Enumerable.Range(0, 10).Select(_ => Provider.GetTokenAsync().AsTask()).ToArray();
        gate.SetResult();

        foreach (var waiter in waiters)
        {
            await Assert.ThrowsAsync<TokenRequestException>(() => waiter);
        }

        Assert.Equal(1, Client.Requests);
        Client.OnRequest = null;
        var token = await Provider.GetTokenAsync();
        Assert.Equal(2, Client.Requests);
        Assert.NotNull(token);
    }

    [Fact]
    public async Task A_caller_that_cancels_does_not_cancel_the_shared_request()
    {
        var gate = new TaskCompletionSource();
        Client.Gate = gate.Task;
        using var cancel = new CancellationTokenSource();

        var cancelled = Provider.GetTokenAsync(cancellationToken: cancel.Token).AsTask();
        var patient = Provider.GetTokenAsync().AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(patient.IsCompleted);
        gate.SetResult();
        Assert.NotNull(await patient);
        Assert.Equal(1, Client.Requests);
    }
}
