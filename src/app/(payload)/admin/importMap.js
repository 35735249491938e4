import { IssueNumberCell as IssueNumberCell_fe44639ef24af02ef35a5a53a34e26f3 } from '../../../components/IssueNumber'
import { IssueNumberField as IssueNumberField_fe44639ef24af02ef35a5a53a34e26f3 } from '../../../components/IssueNumber'
import { RscEntryLexicalCell as RscEntryLexicalCell_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { RscEntryLexicalField as RscEntryLexicalField_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { LexicalDiffComponent as LexicalDiffComponent_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { FixedToolbarFeatureClient as FixedToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { TableFeatureClient as TableFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UploadFeatureClient as UploadFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { InlineToolbarFeatureClient as InlineToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { HorizontalRuleFeatureClient as HorizontalRuleFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { BlockquoteFeatureClient as BlockquoteFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { LinkFeatureClient as LinkFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { OrderedListFeatureClient as OrderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UnorderedListFeatureClient as UnorderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { IndentFeatureClient as IndentFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { AlignFeatureClient as AlignFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { HeadingFeatureClient as HeadingFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ParagraphFeatureClient as ParagraphFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { SuperscriptFeatureClient as SuperscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { SubscriptFeatureClient as SubscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { StrikethroughFeatureClient as StrikethroughFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UnderlineFeatureClient as UnderlineFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { BoldFeatureClient as BoldFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ItalicFeatureClient as ItalicFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ChecksPanel as ChecksPanel_ffb366f5e9baa4381b4b2e3e3dea78c5 } from '../../../components/ChecksPanel'
import { ReviewPanel as ReviewPanel_176db3e0d68114a4f1814b2462895ab6 } from '../../../components/ReviewPanel'
import { PreviewsPanel as PreviewsPanel_61d09b832f05755d604a9149c98ebdf5 } from '../../../components/PreviewsPanel'
import { default as default_8a03dc154b9d0962c4f90fa68c1f107c } from '../../../components/DeliveriesPanel'
import { LockNotice as LockNotice_447ffee818a4f10eec454b29f65ee11a } from '../../../components/LockNotice'
import { PublishButton as PublishButton_111386cb5ab07909d9e2398475065d54 } from '../../../components/PublishButton'
import { RequiredLinkedLabel as RequiredLinkedLabel_c7e659249aa38306b0427aa93a1f5c2a } from '../../../components/LinkedLabel'
import { RelayLinkField as RelayLinkField_7c65ad6a24658523f21b4d9280bdabb2 } from '../../../components/RelayLinkField'
import { SubscribersSearch as SubscribersSearch_230e5588b530accc2cc8cf6f5f090df1 } from '../../../components/SubscribersSearch'
import { DeliveryReasonCell as DeliveryReasonCell_4654a5a71f577dbba220aadf2aa5a01a } from '../../../components/DeliveryReason'
import { DeliveryReasonField as DeliveryReasonField_4654a5a71f577dbba220aadf2aa5a01a } from '../../../components/DeliveryReason'
import { CurrentPasswordField as CurrentPasswordField_673c08382850f386d74f847b8884118a } from '../../../components/StaffAuthFields'
import { SetPasswordMailField as SetPasswordMailField_673c08382850f386d74f847b8884118a } from '../../../components/StaffAuthFields'
import { LogoutEverywhereField as LogoutEverywhereField_673c08382850f386d74f847b8884118a } from '../../../components/StaffAuthFields'
import { AuditLogView as AuditLogView_23be7e1992a65347478e5fae617361c2 } from '../../../components/AuditLogView'
import { AdminIcon as AdminIcon_185d6ccbdba3821d35293b1570e8d361 } from '../../../components/AdminBrand'
import { AdminLogo as AdminLogo_185d6ccbdba3821d35293b1570e8d361 } from '../../../components/AdminBrand'
import { default as default_da64f6236eb2a1d53b7ea09c6ce2365c } from '../../../components/AdminToolsLinks'
import { default as default_1fc172af19b54ded2106ccf6eeeaf808 } from '../../../components/ReviewAwaitingLink'
import { default as default_a68a9fdbff686b070ffb133857cc257a } from '../../../components/StaffNoticesLink'
import { NavBrand as NavBrand_185d6ccbdba3821d35293b1570e8d361 } from '../../../components/AdminBrand'
import { HomeView as HomeView_78d4460baf957364b329d4c0fed6bcb8 } from '../../../components/HomeView'
import { ReadershipView as ReadershipView_3901eb7ce4cca73b2ee4f6028a6e8a10 } from '../../../components/ReadershipView'
import { RelayLeaderView as RelayLeaderView_7788715b333185595d8e310bc0d1c0a9 } from '../../../components/RelayLeaderView'
import { ReadershipShareKits as ReadershipShareKits_da67b76bb6e787495f579283c22c7c77 } from '../../../components/ReadershipShareKits'
import { SubscriberToolsView as SubscriberToolsView_6cbaf88ff7d61030e56e007a9d19141f } from '../../../components/SubscriberToolsView'
import { StreetToolsView as StreetToolsView_ded92a91a7145e0b6dbfa9b799062110 } from '../../../components/StreetToolsView'
import { PolicyLinksView as PolicyLinksView_9a9de4e4f6e4608602aed60d1cac7b19 } from '../../../components/PolicyLinksView'
import { InspectionView as InspectionView_7f17fde8476ea6c1aa192dff20fab25f } from '../../../components/InspectionView'
import { WechatPlanView as WechatPlanView_e599e23ff47300d463a11d898a288679 } from '../../../components/WechatPlanView'
import { SmsMonthView as SmsMonthView_1c91a0d63fe26856f261a45157d2deac } from '../../../components/SmsMonthView'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "/components/IssueNumber#IssueNumberCell": IssueNumberCell_fe44639ef24af02ef35a5a53a34e26f3,
  "/components/IssueNumber#IssueNumberField": IssueNumberField_fe44639ef24af02ef35a5a53a34e26f3,
  "@payloadcms/richtext-lexical/rsc#RscEntryLexicalCell": RscEntryLexicalCell_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/rsc#RscEntryLexicalField": RscEntryLexicalField_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/rsc#LexicalDiffComponent": LexicalDiffComponent_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/client#FixedToolbarFeatureClient": FixedToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#TableFeatureClient": TableFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UploadFeatureClient": UploadFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#InlineToolbarFeatureClient": InlineToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#HorizontalRuleFeatureClient": HorizontalRuleFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#BlockquoteFeatureClient": BlockquoteFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#LinkFeatureClient": LinkFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#OrderedListFeatureClient": OrderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UnorderedListFeatureClient": UnorderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#IndentFeatureClient": IndentFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#AlignFeatureClient": AlignFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#HeadingFeatureClient": HeadingFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ParagraphFeatureClient": ParagraphFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#SuperscriptFeatureClient": SuperscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#SubscriptFeatureClient": SubscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#StrikethroughFeatureClient": StrikethroughFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UnderlineFeatureClient": UnderlineFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#BoldFeatureClient": BoldFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ItalicFeatureClient": ItalicFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "/components/ChecksPanel#ChecksPanel": ChecksPanel_ffb366f5e9baa4381b4b2e3e3dea78c5,
  "/components/ReviewPanel#ReviewPanel": ReviewPanel_176db3e0d68114a4f1814b2462895ab6,
  "/components/PreviewsPanel#PreviewsPanel": PreviewsPanel_61d09b832f05755d604a9149c98ebdf5,
  "/components/DeliveriesPanel#default": default_8a03dc154b9d0962c4f90fa68c1f107c,
  "/components/LockNotice#LockNotice": LockNotice_447ffee818a4f10eec454b29f65ee11a,
  "/components/PublishButton#PublishButton": PublishButton_111386cb5ab07909d9e2398475065d54,
  "/components/LinkedLabel#RequiredLinkedLabel": RequiredLinkedLabel_c7e659249aa38306b0427aa93a1f5c2a,
  "/components/RelayLinkField#RelayLinkField": RelayLinkField_7c65ad6a24658523f21b4d9280bdabb2,
  "/components/SubscribersSearch#SubscribersSearch": SubscribersSearch_230e5588b530accc2cc8cf6f5f090df1,
  "/components/DeliveryReason#DeliveryReasonCell": DeliveryReasonCell_4654a5a71f577dbba220aadf2aa5a01a,
  "/components/DeliveryReason#DeliveryReasonField": DeliveryReasonField_4654a5a71f577dbba220aadf2aa5a01a,
  "/components/StaffAuthFields#CurrentPasswordField": CurrentPasswordField_673c08382850f386d74f847b8884118a,
  "/components/StaffAuthFields#SetPasswordMailField": SetPasswordMailField_673c08382850f386d74f847b8884118a,
  "/components/StaffAuthFields#LogoutEverywhereField": LogoutEverywhereField_673c08382850f386d74f847b8884118a,
  "/components/AuditLogView#AuditLogView": AuditLogView_23be7e1992a65347478e5fae617361c2,
  "/components/AdminBrand#AdminIcon": AdminIcon_185d6ccbdba3821d35293b1570e8d361,
  "/components/AdminBrand#AdminLogo": AdminLogo_185d6ccbdba3821d35293b1570e8d361,
  "/components/AdminToolsLinks#default": default_da64f6236eb2a1d53b7ea09c6ce2365c,
  "/components/ReviewAwaitingLink#default": default_1fc172af19b54ded2106ccf6eeeaf808,
  "/components/StaffNoticesLink#default": default_a68a9fdbff686b070ffb133857cc257a,
  "/components/AdminBrand#NavBrand": NavBrand_185d6ccbdba3821d35293b1570e8d361,
  "/components/HomeView#HomeView": HomeView_78d4460baf957364b329d4c0fed6bcb8,
  "/components/ReadershipView#ReadershipView": ReadershipView_3901eb7ce4cca73b2ee4f6028a6e8a10,
  "/components/RelayLeaderView#RelayLeaderView": RelayLeaderView_7788715b333185595d8e310bc0d1c0a9,
  "/components/ReadershipShareKits#ReadershipShareKits": ReadershipShareKits_da67b76bb6e787495f579283c22c7c77,
  "/components/SubscriberToolsView#SubscriberToolsView": SubscriberToolsView_6cbaf88ff7d61030e56e007a9d19141f,
  "/components/StreetToolsView#StreetToolsView": StreetToolsView_ded92a91a7145e0b6dbfa9b799062110,
  "/components/PolicyLinksView#PolicyLinksView": PolicyLinksView_9a9de4e4f6e4608602aed60d1cac7b19,
  "/components/InspectionView#InspectionView": InspectionView_7f17fde8476ea6c1aa192dff20fab25f,
  "/components/WechatPlanView#WechatPlanView": WechatPlanView_e599e23ff47300d463a11d898a288679,
  "/components/SmsMonthView#SmsMonthView": SmsMonthView_1c91a0d63fe26856f261a45157d2deac,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}
