/**
 * Words for telling a person's full name next to an ID, phone or card number.
 * Editable; test/checks/personal.test.ts covers the cases.
 *
 * Surnames: the common single surnames (the most frequent about 200 of the
 * population registers' lists), less those that mostly begin ordinary words
 * next to a number (应急, 于是, 安全, 文化, 方式, 关于, 常用, 费用, 单位, 商店,
 * 查询, 车辆, 路段, 全部, 明天, 时间, 和谐…), and the compound surnames.
 */
export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范' +
  '石廖贾夏韦付傅邹孟熊秦邱江尹薛闫严段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷' +
  '詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆卓缪褚娄' +
  '窦戚岑景宫卜冷晏席卫柏瞿桂佟臧闵苟邬卞姬栾隋刁巫寇桑郎甄丛仲虞敖巩佘池苑迟邝'

export const COMPOUND_SURNAMES = [
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '令狐', '慕容', '尉迟', '公孙', '夏侯', '宇文', '长孙', '司徒', '端木', '独孤', '南宫', '西门', '轩辕', '呼延',
]

/** Words that introduce or label a person or a number: stripped before looking for the name. */
export const LABELS = [
  '联系人', '联系电话', '联系方式', '电话号码', '电话', '手机号码', '手机号', '手机', '号码',
  '公民身份号码', '身份证号码', '身份证号', '身份证', '证件号码', '证件号', '银行卡号', '银行卡', '卡号', '账号',
  '姓名', '户主', '负责人', '申请人', '经办人', '监护人', '收件人', '网格长', '网格员', '楼栋长', '志愿者', '居民',
]

/** Not full names though they start like one: a title, or a common word. */
export const NOT_NAMES = ['先生', '女士', '老师', '师傅', '同志', '阿姨', '大爷', '大妈', '书记', '主任', '经理', '医生', '警官']
export const STOP_WORDS = new Set(['高中', '高新', '高速', '高层', '高龄', '石材', '江滨', '万元', '孔明灯', '马上', '黄金', '白天', '龙岗'])

/** Characters that are not in a given name (particles, and the words around numbers). */
export const NOT_GIVEN = new Set('的了是在和与及或等请拨打联系询为有电话号码机手证卡户号栋楼室元年月日')
