using TokenClients.DependencyInjection;

namespace TokenClients.OAuth2;

/// <summary>Validates one provider's <see cref="ClientCredentialsOptions"/>.</summary>
internal sealed class ClientCredentialsOptionsValidator(string providerName) : OAuth2ClientOptionsValidator<ClientCredentialsOptions>(providerName);
