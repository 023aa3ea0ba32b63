import Foundation
import Graph

extension LoadedModel {
    /// vitopt's metadata entries that let a file holding this model's parameters under the names its
    /// graph uses be read back with the same config: for a ViT its config (`vitopt.config`) and
    /// naming convention; for a Swin its `vitopt.swin_config` and `timm` naming, since a Swin graph's
    /// parameters carry timm's (canonical) names whatever the file's convention was.
    public var graphConfigMetadata: [String: String] {
        if let swin {
            return [SwinConfigFile.metadataKey: SwinConfigFile.metadataValue(swin.config),
                    ConfigSources.namingKey: NamingConvention.timm.rawValue]
        }
        return [ConfigSources.metadataKey: ConfigSources.metadataValue(model.config), ConfigSources.namingKey: convention.rawValue]
    }
}
