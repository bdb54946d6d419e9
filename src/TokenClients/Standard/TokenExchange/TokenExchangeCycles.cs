using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>
/// Refuses at start a ring of exchanges (a takes its subject token from b, b from a): each would wait for the other
/// forever. Run when the host starts, after every provider is registered, whatever order they were registered in.
/// </summary>
internal static class TokenExchangeCycles
{
    public static void Add(IServiceCollection services)
    {
        services.AddOptions<Check>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Check>, CheckValidator>());
    }

    /// <summary>The options whose validation, run when the host starts, looks for cycles.</summary>
    internal sealed class Check;

    private sealed class CheckValidator(IServiceProvider services) : IValidateOptions<Check>
    {
        public ValidateOptionsResult Validate(string? name, Check options)
        {
            var registry = services.GetRequiredService<TokenProviderRegistry>();
            var monitor = services.GetRequiredService<IOptionsMonitor<TokenExchangeOptions>>();
            var edges = new Dictionary<string, List<(string Setting, string Target)>>(StringComparer.OrdinalIgnoreCase);
            foreach (var provider in registry.Names.Where(n => registry.KindOf(n) == TokenExchangeKind.Name))
            {
                TokenExchangeOptions exchange;
                try
                {
                    exchange = monitor.Get(provider);
                }
                catch (OptionsValidationException)
                {
                    // Its own validation reports it.
                    continue;
                }

                edges[provider] = [.. Targets(registry, exchange)];
            }

            var failures = new List<string>();
            foreach (var (start, outgoing) in edges)
            {
                foreach (var (setting, target) in outgoing)
                {
                    // A provider that names itself is reported by its own validation.
                    if (!string.Equals(target, start, StringComparison.OrdinalIgnoreCase) && PathBack(edges, target, start) is { } path)
                    {
                        var errors = new OptionsErrors(start, registry.ConfigurationPathOf(start));
                        errors.AddSetting(setting, $"leads back to '{start}' ({string.Join(" → ", [start, .. path])}): an exchange cannot depend on its own token (a cycle).");
                        failures.AddRange(errors.Result.Failures ?? []);
                    }
                }
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static IEnumerable<(string Setting, string Target)> Targets(TokenProviderRegistry registry, TokenExchangeOptions options)
        {
            if (options.SubjectTokenProvider is { } subject && registry.Find(subject) is { } subjectProvider)
            {
                yield return (nameof(options.SubjectTokenProvider), subjectProvider);
            }

            if (options.ActorTokenProvider is { } actor && registry.Find(actor) is { } actorProvider)
            {
                yield return (nameof(options.ActorTokenProvider), actorProvider);
            }
        }

        /// <summary>The providers from <paramref name="from"/> back to <paramref name="start"/>, or <see langword="null"/> when there is no way back.</summary>
        private static List<string>? PathBack(Dictionary<string, List<(string Setting, string Target)>> edges, string from, string start)
        {
            var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var path = new List<string>();
            return Walk(from) ? path : null;

            bool Walk(string node)
            {
                path.Add(node);
                if (string.Equals(node, start, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (visited.Add(node) && edges.TryGetValue(node, out var next))
                {
                    foreach (var (_, target) in next)
                    {
                        if (Walk(target))
                        {
                            return true;
                        }
                    }
                }

                path.RemoveAt(path.Count - 1);
                return false;
            }
        }
    }
}
