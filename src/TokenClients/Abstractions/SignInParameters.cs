namespace TokenClients;

/// <summary>
/// Per-sign-in extras of an authorization request (<see cref="IAuthorizationCodeFlow.StartAsync(string, SignInParameters?, CancellationToken)"/>):
/// a login hint, a prompt, a scope for this sign-in, and further authorize parameters.
/// </summary>
/// <remarks>
/// The flow's own protocol parameters cannot be set or overridden here: <c>state</c>, <c>code_challenge</c>,
/// <c>code_challenge_method</c>, <c>redirect_uri</c>, <c>client_id</c> and <c>response_type</c> (nor <c>request</c> and
/// <c>request_uri</c>, which could carry them), and <c>scope</c>, <c>login_hint</c> and <c>prompt</c> are set through
/// their properties only. Starting a sign-in with such a parameter fails with an <see cref="ArgumentException"/>.
/// </remarks>
public sealed class SignInParameters
{
    private static readonly HashSet<string> s_reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "state", "code_challenge", "code_challenge_method", "redirect_uri", "client_id", "response_type", "request", "request_uri",
        "scope", "login_hint", "prompt",
    };

    /// <summary>Gets or sets the <c>login_hint</c>: the account the user is expected to sign in with.</summary>
    public string? LoginHint { get; set; }

    /// <summary>Gets or sets the <c>prompt</c> (for example <c>login</c>, <c>consent</c> or <c>select_account</c>).</summary>
    public string? Prompt { get; set; }

    /// <summary>Gets or sets the scope of this sign-in, instead of the provider's configured scope.</summary>
    public string? Scope { get; set; }

    /// <summary>Gets further authorize parameters, sent as they are (for example <c>acr_values</c> or <c>ui_locales</c>).</summary>
    public IDictionary<string, string> Parameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether no extra is set.</summary>
    internal bool IsEmpty => LoginHint is null && Prompt is null && Scope is null && Parameters.Count == 0;

    /// <summary>Throws when an extra parameter would set or override a protocol parameter, or has no name.</summary>
    /// <exception cref="ArgumentException">A parameter is reserved, unnamed or has no value.</exception>
    internal void Validate()
    {
        foreach (var (name, value) in Parameters)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("An extra authorize parameter has no name.", nameof(Parameters));
            }

            if (s_reserved.Contains(name.Trim()))
            {
                throw new ArgumentException(
                    $"The extra authorize parameter '{name.Trim()}' is set by the flow itself (or through its own property of {nameof(SignInParameters)}) and cannot be overridden.",
                    nameof(Parameters));
            }

            if (value is null)
            {
                throw new ArgumentException($"The extra authorize parameter '{name}' has no value.", nameof(Parameters));
            }
        }
    }
}
