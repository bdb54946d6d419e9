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
    private IReadOnlyDictionary<string, string>? _parameterView;

    /// <summary>Initializes a new instance of the <see cref="TokenContext"/> class.</summary>
    /// <param name="subject">Whose token: the connected account for authorization-code flows.</param>
    /// <param name="scope">A scope that replaces the provider's configured scope.</param>
    /// <param name="resource">A resource indicator that replaces the provider's configured resource.</param>
    /// <param name="parameters">Extra parameters for the token request; names are compared ordinally and must be unique.</param>
    /// <exception cref="ArgumentException">A parameter name appears twice, or a name or value is <see langword="null"/>.</exception>
    public TokenContext(string? subject = null, string? scope = null, string? resource = null, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        Subject = subject;
        Scope = scope;
        Resource = resource;
        _parameters = SortedParameters(parameters);

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
    public IReadOnlyDictionary<string, string> Parameters => _parameterView ??= _parameters.Length == 0
        ? ReadOnlyDictionary<string, string>.Empty
        : new ReadOnlyDictionary<string, string>(_parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    /// <summary>Gets the extra parameters sorted by name, without building a dictionary.</summary>
    internal ReadOnlySpan<KeyValuePair<string, string>> SortedParameterSpan => _parameters;

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
            && ParametersEqual(_parameters, other._parameters);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TokenContext);

    /// <inheritdoc/>
    public override int GetHashCode() => _hashCode;

    private static KeyValuePair<string, string>[] SortedParameters(IEnumerable<KeyValuePair<string, string>>? parameters)
    {
        if (parameters is null)
        {
            return NoParameters;
        }

        KeyValuePair<string, string>[] sorted = [.. parameters];
        if (sorted.Length == 0)
        {
            return NoParameters;
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Key is null || sorted[i].Value is null)
            {
                throw new ArgumentException("A token context parameter has no name or no value.", nameof(parameters));
            }

            if (i > 0 && string.Equals(sorted[i - 1].Key, sorted[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The token context parameter '{sorted[i].Key}' appears more than once.", nameof(parameters));
            }
        }

        return sorted;
    }

    private static bool ParametersEqual(KeyValuePair<string, string>[] a, KeyValuePair<string, string>[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !string.Equals(a[i].Value, b[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

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
