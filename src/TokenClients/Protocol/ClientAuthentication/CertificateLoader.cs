using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TokenClients.Internal;

/// <summary>
/// Reads a certificate with its private key from a PKCS#12 file, a PEM certificate and key, or the <c>My</c> store. The
/// signing key of a client assertion and the client certificate of mutual TLS share it. Failures name the setting (in
/// the section <c>ClientAssertion</c> or <c>ClientCertificate</c>) and never quote a value or key material.
/// </summary>
internal static class CertificateLoader
{
    /// <summary>Loads the certificate the settings name; <see langword="null"/> when they name none.</summary>
    /// <param name="section">The settings' section, for messages.</param>
    /// <param name="pathSetting">The name of the path setting, for messages.</param>
    /// <param name="path">A PKCS#12 file, or a PEM certificate when <paramref name="keyPath"/> is set.</param>
    /// <param name="password">The password of the PKCS#12 file or of an encrypted PEM key.</param>
    /// <param name="keyPath">A PEM private key for the PEM certificate at <paramref name="path"/>.</param>
    /// <param name="thumbprintSetting">The name of the thumbprint setting, for messages.</param>
    /// <param name="thumbprint">The SHA-1 thumbprint of a certificate in the <c>My</c> store.</param>
    /// <param name="location">The store to search.</param>
    /// <exception cref="InvalidOperationException">The certificate cannot be read; the message names the setting.</exception>
    public static X509Certificate2? Load(string section, string pathSetting, string? path, string? password, string? keyPath, string thumbprintSetting, string? thumbprint, StoreLocation location)
    {
        if (path is { Length: > 0 })
        {
            return keyPath is { Length: > 0 } ? LoadPem(section, pathSetting, path, keyPath, password) : LoadPkcs12(section, pathSetting, path, password);
        }

        if (thumbprint is { Length: > 0 })
        {
            using var store = new X509Store(StoreName.My, location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (CryptographicException exception)
            {
                throw new InvalidOperationException($"{section}:{thumbprintSetting} names no certificate: the {location} My store could not be opened ({exception.GetType().Name}).", exception);
            }

            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            return found.Count > 0 ? found[0]
                : throw new InvalidOperationException($"{section}:{thumbprintSetting} names no certificate in the {location} My store.");
        }

        return null;
    }

    private static X509Certificate2 LoadPkcs12(string section, string pathSetting, string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{section}:{pathSetting} could not be read as a PKCS#12 file with its password ({exception.GetType().Name}).", exception);
        }
    }

    private static X509Certificate2 LoadPem(string section, string pathSetting, string path, string keyPath, string? password)
    {
        try
        {
            using var pem = password is { Length: > 0 }
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                : X509Certificate2.CreateFromPemFile(path, keyPath);

            // A PEM key is ephemeral; TLS on some platforms (Windows' SChannel) needs a key it can reopen: carry it over PKCS#12.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The exception's own message may quote the input: name only its type.
            throw new InvalidOperationException($"{section}:{pathSetting} could not be read with {section}:KeyPath as a PEM certificate and its private key ({exception.GetType().Name}).");
        }
    }
}
