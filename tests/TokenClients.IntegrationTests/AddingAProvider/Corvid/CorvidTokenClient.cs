namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Corvid's wire details as a preset of the custom token client: client credentials in a JSON body, the answer wrapped in <c>data</c>.</summary>
internal static class CorvidTokenClient
{
    public static CustomTokenOptions ToCustom(CorvidOptions options)
    {
        var custom = new CustomTokenOptions
        {
            TokenEndpoint = options.TokenEndpoint,
            Encoding = RequestEncoding.Json,
            GrantType = GrantTypes.ClientCredentials,
            RefreshGrantType = null,
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            Response = { TokenPath = CorvidDefaults.AnswerWrapper },
        };
        options.CopyTokenClientSettingsTo(custom);
        return custom;
    }
}
