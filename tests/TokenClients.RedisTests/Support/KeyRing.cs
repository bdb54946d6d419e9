using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.RedisTests.Support;

/// <summary>A Data Protection key ring in a temporary directory, as instances share it through a volume.</summary>
public sealed class KeyRing : IDisposable
{
    public const string ApplicationName = "tokenclients-redis-tests";

    public KeyRing()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tokenclients-keys-");

        // The key is created once, before any instance starts, as a deployment would.
        var services = new ServiceCollection();
        Configure(services);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("warm-up").Protect("key ring created"u8.ToArray());
    }

    public DirectoryInfo Directory { get; }

    public void Configure(IServiceCollection services) =>
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToFileSystem(Directory);

    public void Dispose() => Directory.Delete(recursive: true);
}
