using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>A case whose emulator and options types are known, so that a test may adjust the options.</summary>
/// <typeparam name="TEmulator">The vendor's emulator.</typeparam>
/// <typeparam name="TOptions">The vendor adapter's options.</typeparam>
public abstract class VendorCase<TEmulator, TOptions> : VendorCase
    where TEmulator : TokenEndpointEmulator
    where TOptions : class
{
    /// <inheritdoc/>
    public override object ReadOptions(IServiceProvider services) => services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(Name);

    /// <summary>Builds the application's services with the accepted credentials, then <paramref name="adjust"/>.</summary>
    public ServiceProvider BuildServices(TEmulator emulator, TimeProvider time, Action<TOptions>? adjust) =>
        Build(emulator, time, p => Use(p, o =>
        {
            Configure(o, emulator, emulator.BaseAddress, Credentials);
            adjust?.Invoke(o);
        }));

    /// <summary>Calls the adapter's <c>Use…</c> extension.</summary>
    protected abstract void Use(ITokenProviderBuilder provider, Action<TOptions> configure);

    /// <summary>Points the options at <paramref name="target"/> with <paramref name="credentials"/>.</summary>
    protected abstract void Configure(TOptions options, TEmulator emulator, Uri target, VendorCredentials credentials);

    /// <inheritdoc/>
    protected sealed override void Register(ITokenProviderBuilder provider, TokenEndpointEmulator emulator, Uri target, VendorCredentials credentials) =>
        Use(provider, o => Configure(o, (TEmulator)emulator, target, credentials));
}
