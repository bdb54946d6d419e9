using System.Collections.ObjectModel;
using System.Text;

namespace TokenClients;

/// <summary>
/// Per-call inputs of a token request: whose token (<see cref="Subject"/>), scope and resource overrides,
/// and extra parameters. Two equal contexts share one cached token.
/// </summary>
/// <remarks>Immutable; equality is by value (parameters compared by name and value, order ignored).</remarks>
public sealed class TokenContext : IEquatable<TokenContext>
{
    private static readonly KeyValuePair<string, string>[] NoParameters = [];
    private readonly KeyValuePair<string, string>[] _parameters;
    private readonly int _hashCode;

    /// <summary>
    /// The cache entry this instance last led a token provider to (set by the provider, read only by it): a context
    /// kept and reused, one per user, finds its token without a dictionary lookup.
    /// </summary>
    internal object? ProviderEntry;

    /// <summary>Initializes a new instance of the <see cref="TokenContext"/> class.</summary>
    /// <param name="subject">Whose token: the connected account for authorization-code flows.</param>
    /// <param name="scope">A scope that replaces the provider's configured scope.</param>
    /// <param name="resource">A resource indicator that replaces the provider's configured resource.</param>
    /// <param name="parameters">Extra parameters for the token request.</param>
    public TokenContext(string? subject = null, string? scope = null, string? resource = null, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        Subject = subject;
        Scope = scope;
        Resource = resource;
        _parameters = parameters is null ? NoParameters : [.. parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)];
        Parameters = _parameters.Length == 0
            ? ReadOnlyDictionary<string, string>.Empty
            : new ReadOnlyDictionary<string, string>(_parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

        var hash = new HashCode();
        hash.Add(subject, StringComparer.Ordinal);
        hash.Add(scope, StringComparer.Ordinal);
        hash.Add(resource, StringComparer.Ordinal);
        foreach (var (key, value) in _parameters)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        _hashCode = hash.ToHashCode();
    }

    /// <summary>Gets the context with no overrides: the provider's configured defaults.</summary>
    public static TokenContext Default { get; } = new();

    /// <summary>Gets whose token this is, or <see langword="null"/> for the client's own token.</summary>
    public string? Subject { get; }

    /// <summary>Gets the scope override, or <see langword="null"/> for the configured scope.</summary>
    public string? Scope { get; }

    /// <summary>Gets the resource override, or <see langword="null"/> for the configured resource.</summary>
    public string? Resource { get; }

    /// <summary>Gets extra parameters to send with the token request.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Creates a context for a subject (a connected user account).</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>The context.</returns>
    public static TokenContext ForSubject(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return new TokenContext(subject: subject);
    }

    /// <inheritdoc/>
    public bool Equals(TokenContext? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && _hashCode == other._hashCode
            && string.Equals(Subject, other.Subject, StringComparison.Ordinal)
            && string.Equals(Scope, other.Scope, StringComparison.Ordinal)
            && string.Equals(Resource, other.Resource, StringComparison.Ordinal)
            && _parameters.AsSpan().SequenceEqual(other._parameters);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TokenContext);

    /// <inheritdoc/>
    public override int GetHashCode() => _hashCode;

    /// <summary>Describes the context. Parameter values are left out: they may be secret.</summary>
    /// <returns>A description without secrets.</returns>
    public override string ToString()
    {
        var text = new StringBuilder("TokenContext { Subject = ").Append(Subject ?? "none")
            .Append(", Scope = ").Append(Scope ?? "default")
            .Append(", Resource = ").Append(Resource ?? "default");
        if (_parameters.Length > 0)
        {
            text.Append(", Parameters = [").AppendJoin(", ", _parameters.Select(p => p.Key)).Append(']');
        }

        return text.Append(" }").ToString();
    }
}
