using System.Xml;
using System.Xml.Linq;

namespace TokenClients.Cli;

/// <summary>
/// Where the command reads settings, in the order an application in Development reads them: the configuration file,
/// then the user secrets, then environment variables.
/// </summary>
/// <param name="ConfigPath">The JSON configuration file.</param>
/// <param name="UserSecretsId">The user secrets to read; <see langword="null"/> reads those of the project file beside the configuration file, if it has any.</param>
internal sealed record ConfigurationSources(string ConfigPath, string? UserSecretsId)
{
    private static readonly string[] ProjectPatterns = ["*.csproj", "*.fsproj", "*.vbproj"];

    /// <summary>Gets the user secrets id to read: the one given, or the <c>UserSecretsId</c> of the one project file beside the configuration file.</summary>
    /// <exception cref="CliException">The project file cannot be read.</exception>
    public string? ResolveUserSecretsId()
    {
        if (!string.IsNullOrWhiteSpace(UserSecretsId))
        {
            return UserSecretsId.Trim();
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(ConfigPath));
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        var projects = ProjectPatterns.SelectMany(pattern => Directory.EnumerateFiles(directory, pattern)).ToList();
        if (projects.Count != 1)
        {
            // None, or several: which application's secrets these are is not for the command to guess.
            return null;
        }

        try
        {
            var id = XDocument.Load(projects[0]).Descendants().FirstOrDefault(e => e.Name.LocalName == "UserSecretsId")?.Value.Trim();
            return string.IsNullOrEmpty(id) ? null : id;
        }
        catch (XmlException exception)
        {
            throw new CliException($"the project file '{projects[0]}' is not valid XML: {exception.Message}", exception);
        }
    }
}
