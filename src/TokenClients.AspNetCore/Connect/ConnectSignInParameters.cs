using Microsoft.AspNetCore.Http;

namespace TokenClients.AspNetCore.Connect;

/// <summary>The per-sign-in extras a connect start accepts from its query: <c>login_hint</c> and <c>prompt</c>, bounded.</summary>
internal static class ConnectSignInParameters
{
    private const int MaxLoginHintLength = 256;

    private static readonly HashSet<string> s_prompts = new(StringComparer.Ordinal) { "none", "login", "consent", "select_account", "create" };

    public static SignInParameters? From(IQueryCollection query)
    {
        var loginHint = query["login_hint"].ToString();
        var prompt = query["prompt"].ToString();
        var parameters = new SignInParameters();
        if (loginHint.Length is > 0 and <= MaxLoginHintLength && !loginHint.Any(char.IsControl))
        {
            parameters.LoginHint = loginHint;
        }

        // Space-separated values of the OpenID Connect list only: nothing else reaches the authorize URL from a link.
        if (prompt.Length > 0 && prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(s_prompts.Contains))
        {
            parameters.Prompt = prompt;
        }

        return parameters.LoginHint is null && parameters.Prompt is null ? null : parameters;
    }
}
