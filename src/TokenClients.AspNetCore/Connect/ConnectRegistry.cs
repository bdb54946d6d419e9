namespace TokenClients.AspNetCore.Connect;

/// <summary>The providers users can connect, and where their connect endpoints are (<c>MapTokenClientsConnect</c>).</summary>
/// <remarks>Thread-safe; filled when the endpoints are mapped, read by every request after.</remarks>
internal sealed class ConnectRegistry
{
    private readonly Lock _gate = new();
    private Dictionary<string, ConnectProvider> _providers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds a connectable provider by name, in any case.</summary>
    public ConnectProvider? Find(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        return Volatile.Read(ref _providers).GetValueOrDefault(name);
    }

    public void Add(ConnectProvider provider)
    {
        lock (_gate)
        {
            var next = new Dictionary<string, ConnectProvider>(_providers, StringComparer.OrdinalIgnoreCase);
            if (!next.TryAdd(provider.Name, provider))
            {
                throw new InvalidOperationException($"Token provider '{provider.Name}' already has connect endpoints (MapTokenClientsConnect names each provider once).");
            }

            Volatile.Write(ref _providers, next);
        }
    }
}

/// <summary>A provider users can connect, with the endpoints' path prefix (without the application's path base).</summary>
/// <param name="Name">The provider's registered name.</param>
/// <param name="Prefix">The route group's prefix, for example <c>/connect</c>.</param>
internal sealed record ConnectProvider(string Name, string Prefix);
