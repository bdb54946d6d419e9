using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Cli;

/// <summary>The providers of one configuration file (and the environment), registered and validated as a host would.</summary>
internal sealed class ConfiguredProviders : IAsyncDisposable
{
    private const string SectionName = "TokenProviders";

    private readonly ServiceProvider _services;
    private readonly IConfigurationSection _section;

    private ConfiguredProviders(ServiceProvider services, IConfigurationSection section)
    {
        _services = services;
        _section = section;
    }

    public IServiceProvider Services => _services;

    /// <summary>Reads the configuration file, the user secrets and the environment, registers every provider and checks <paramref name="name"/> exists.</summary>
    /// <exception cref="CliException">The file is missing or unreadable, or the provider is not configured.</exception>
    /// <exception cref="OptionsValidationException">The configuration fails validation.</exception>
    public static ConfiguredProviders Load(ConfigurationSources sources, string name, Action<IServiceCollection>? configure = null)
    {
        var configPath = sources.ConfigPath;
        var path = Path.GetFullPath(configPath);
        if (!File.Exists(path))
        {
            throw new CliException($"the configuration file '{configPath}' does not exist");
        }

        var userSecretsId = sources.ResolveUserSecretsId();
        IConfiguration configuration;
        try
        {
            var builder = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false);
            if (userSecretsId is not null)
            {
                // Where `dotnet user-secrets set` writes for this id; an id without secrets adds nothing.
                builder.AddUserSecrets(userSecretsId, reloadOnChange: false);
            }

            configuration = builder.AddEnvironmentVariables().Build();
        }
        catch (InvalidDataException exception)
        {
            var files = userSecretsId is null ? $"'{configPath}'" : $"'{configPath}' or the user secrets '{userSecretsId}'";
            throw new CliException($"{files} is not valid JSON: {exception.InnerException?.Message ?? exception.Message}", exception);
        }
        catch (InvalidOperationException exception)
        {
            // An id with characters no secrets folder can have.
            throw new CliException($"the user secrets id '{userSecretsId}' is not valid: {exception.Message}", exception);
        }

        var section = configuration.GetSection(SectionName);
        if (!section.GetChildren().Any())
        {
            throw new CliException($"'{configPath}' has no {SectionName} section");
        }

        var services = new ServiceCollection();
        try
        {
            services.AddTokenProviders(section);
        }
        catch (InvalidOperationException exception)
        {
            throw new CliException(exception.Message, exception);
        }

        // Provider names are case-insensitive, as in the library: the command line finds the configured spelling.
        if (services.FirstOrDefault(d => d.IsKeyedService && d.ServiceType == typeof(ITokenProvider)
                && d.ServiceKey is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))?.ServiceKey is not string registered)
        {
            throw new CliException($"'{configPath}' configures no token provider named '{name}'; it has {string.Join(", ", section.GetChildren().Select(c => c.Key))}");
        }

        // Users signed in with `tokenclients login` are kept where every command finds them.
        var store = FileTokenStore.Default();
        services.AddSingleton<ITokenStore>(store);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        var providers = new ConfiguredProviders(provider, section) { Name = registered, Store = store };
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return providers;
    }

    /// <summary>Gets the provider's name as configured (the command line accepts it in any case).</summary>
    public string Name { get; private init; } = string.Empty;

    /// <summary>Gets the store of signed-in users' token sets.</summary>
    public FileTokenStore Store { get; private init; } = null!;

    /// <summary>Gets the value of <c>Kind</c> of a configured entry, or <see langword="null"/> for a provider a vendor adapter added.</summary>
    public string? KindOf(string name) => _section.GetSection(name)["Kind"];

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
