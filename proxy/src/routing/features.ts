/**
 * Cheap prompt features for the complexity score, each in [0, 1]. Pure string work: no tokenizer,
 * no model — this runs on every routed request before anything else is known.
 */
export interface ChatText {
  role: string;
  text: string;
}

export type FeatureName = 'length' | 'context' | 'task' | 'code' | 'math' | 'reasoning' | 'constraints' | 'multiStep' | 'depth' | 'simple';
export type Features = Record<FeatureName, number>;

const CODE_FENCE = /```/;
const CODE_TOKENS =
  /(\bfunction\b|\bdef\s+\w+\s*\(|\bclass\s+\w+|=>|\breturn\b|\bconst\s+\w+\s*=|\bimport\s+[\w{]|#include|\bSELECT\b|\bfn\s+\w+|\bpublic\s+\w+|\bconsole\.\w+|\b\w+\([^)]*\)\s*\{|;\s*$|\buint\b|\bfor\s*\(|\brequire\()/gm;
const CODE_WORDS =
  /\b(code|function|script|class|implement(ation)?|refactor|regex|regular expression|sql|query|api|endpoint|compiler|interpreter|bug|stack trace|typescript|javascript|python|golang|rust|java|c\+\+|react|docker(file)?|kubernetes|unit tests?)\b/gi;
const MATH =
  /\b(prove|proof|theorem|lemma|derive|derivation|integral|derivative|equation|probability|matrix|eigen\w*|optimi[sz]\w*|linear program|complexity|induction|integer solutions|closed-form|variance|characteristic functions?|error bounds?|sample size|shadow prices)\b|[∑∫√≤≥≠]|\b\w\^\d|\bO\([^)]*\)/gi;
const REASONING =
  /\b(step[- ]by[- ]step|why|analy[sz]e|analysis|compare|comparison|trade-?offs?|design|architecture|diagnos\w*|root causes?|evaluate|justify|critically|hypothes[ie]s|failure modes?|strategy|recommend\w*|plan|investigat\w*|assess|reason(ing)?|implications?|pros and cons|weigh)\b/gi;
const CONSTRAINTS =
  /\b(must|should|without|at least|at most|no more than|less than|exactly|ensure|guarantee|only|avoid|never|each|every|within|required?|while keeping|keeping)\b|\bdon'?t\b|\bdo not\b/gi;
const TASK =
  /\b(write|explain|describe|create|implement|build|summari[sz]e|outline|draft|refactor|compare|calculate|solve|review|debug|fix|convert this|generate|design|give me feedback|how (do|can) i|what are the (main )?(differences|steps)|difference between)\b/gi;
const MULTI_STEP = /\b(first|then|after that|finally|next|and then|followed by|walk through|step \d|phase)\b/gi;
const SIMPLE =
  /^(hi|hello|hey|thanks|thank you)\b|\b(what is the (?!difference)|what's the (?!difference)|who (wrote|painted|is)|define|translate|synonym|antonym|capital of|how many|spell|convert|fix the typo|correct the grammar|rephrase|shorten|capitalize|plural|yes or no|abbreviation|stand for|classify|tag this|one[- ]line|one sentence|one-word)\b/gi;

/**
 * The same cues in other languages. The English patterns above found nothing in a Chinese,
 * German or Arabic ask, so a translation of a hard design question scored like a greeting and went
 * to a smaller tier than its English original (18 of 36 parallel asks on another tier with router
 * `score`; 23 of 36 with the learned router's cheap variant, which routes every non-Latin ask).
 * One line per language, comma-separated: `*` continues a word (a stem), `'` is either apostrophe.
 * Han, kana, Hangul and Thai entries match anywhere (no spaces between words, or endings glued on);
 * the others match whole words (or stems) only. No entry may match English text: English asks, on
 * which the learned router was trained, keep their features exactly (test/routing/languages/).
 * "Simple question" cues are not translated: the cheap variant weighs them towards a larger tier,
 * which sent translated one-line lookups away from the small tier the English ask gets by its
 * embedding (30 of 36 translations on their intended tier without them, 24 with).
 */
const OTHER_LANGUAGE_CUES: Readonly<Record<'task' | 'code' | 'math' | 'reasoning' | 'constraints' | 'multiStep', string>> = {
  task: `
    zh: 写,编写,撰写,解释,說明,说明,描述,创建,創建,实现,實現,构建,構建,总结,總結,概述,起草,重构,重構,比较,比較,对比,對比,计算,計算,求解,解决,解決,审查,審查,调试,調試,修复,修復,生成,设计,設計,如何,怎么,怎麼,区别,區別,差异,差異,步骤,步驟
    ja: 書いて,書く,説明,解説,記述,作成,実装,構築,要約,まとめ,下書き,リファクタ,比較,計算,解いて,解決,レビュー,デバッグ,修正,生成,設計,どうすれば,方法,違い,手順
    ko: 작성,써 줘,써줘,설명,묘사,만들,생성,구현,구축,요약,초안,리팩터,리팩토링,비교,계산,풀어,해결,검토,리뷰,디버그,디버깅,수정,고쳐,설계,어떻게,차이,단계
    de: schreib*,erklär*,erläuter*,beschreib*,erstell*,implementier*,zusammenfass*,fasse,skizzier*,entwirf,entwerf*,refaktorier*,vergleich*,berechn*,löse,lös,überprüf*,prüf*,debugge,behebe*,korrigier*,generier*,wie kann ich,wie mache ich,unterschied*,schritte
    fr: écri*,rédige*,rédig*,expliqu*,décri*,crée,créer,créez,implément*,construi*,résum*,esquiss*,ébauch*,refactoris*,comparez,comparer,calcule,calculez,calculer,résou*,résoud*,révis*,débogu*,corrig*,génère*,générer,conçoi*,concev*,comment faire,comment puis-je,différence*,étapes
    es: escrib*,redacta,redactar,redacte,explica,explicar,explique,explícame,describa,describir,crea,crear,cree,implementa,implementar,implemente,construy*,resumir,resumen,resúm*,esboz*,borrador,refactoriz*,compara,comparar,calcula,calcular,calcule,resuelv*,revisa,revisar,depura*,corrige,corregir,arregla*,genera,generar,diseña*,diseñe,cómo puedo,cómo hago,diferencia*,pasos
    pt: escrev*,redij*,explique,explicar,explica,descrev*,crie,criar,implementar,construa,construir,resuma,resumir,esboce,rascunho,refator*,comparar,calcular,resolva,revisar,depure,corrija,gere,gerar,projete,projetar,como posso,como faço,diferença*,passos
    it: scrivi,scriver*,spiega*,descrivi,descriver*,creare,costruisci,riassumi,riassunto,abbozza,bozza,rifattorizza*,confronta*,calcola,calcolare,risolvi,rivedi,correggi,progetta*,come posso,come faccio,differenz*,passaggi
    ru: напиш*,пиши,объясн*,опиши,описать,созда*,реализу*,реализов*,постро*,резюмир*,изложи,составь,набросай,рефактор*,сравн*,вычисл*,рассчита*,посчита*,реши,решить,провер*,отлад*,исправ*,сгенерир*,спроектир*,разработа*,как мне,как можно,разниц*,отличи*,шаги
    ar: اكتب,اشرح,صف,أنشئ,انشئ,نفذ,ابن,لخص,صغ,قارن,احسب,راجع,صحح,أصلح,اصلح,صمم,كيف,الفرق بين,خطوات
    hi: लिख*,समझा*,वर्णन,बनाए*,बनाइए,बनाओ,लागू,सारांश,संक्षेप,तुलना,गणना,हल,समीक्षा,डीबग,सुधार*,उत्पन्न,डिज़ाइन,डिजाइन,कैसे,अंतर,चरण
    th: เขียน,อธิบาย,บรรยาย,สร้าง,พัฒนา,สรุป,ร่าง,ปรับโครงสร้าง,เปรียบเทียบ,คำนวณ,แก้ปัญหา,แก้ไข,ตรวจสอบ,ทบทวน,ดีบัก,ออกแบบ,อย่างไร,ยังไง,ความแตกต่าง,ขั้นตอน
    vi: viết,giải thích,mô tả,tạo,triển khai,xây dựng,tóm tắt,phác thảo,soạn,tái cấu trúc,so sánh,tính,giải,xem xét,gỡ lỗi,sửa,thiết kế,làm thế nào,làm sao,khác nhau,khác biệt,các bước`,
  code: `
    zh: 代码,代碼,函数,函數,脚本,腳本,正则,查询,查詢,接口,编译器,編譯器,解释器,解釋器,堆栈,堆疊,单元测试,單元測試
    ja: コード,関数,スクリプト,クラス,実装,リファクタ,正規表現,クエリ,エンドポイント,コンパイラ,インタプリタ,バグ,スタックトレース,単体テスト,ユニットテスト
    ko: 코드,함수,스크립트,클래스,구현,리팩터,정규식,정규 표현식,쿼리,엔드포인트,컴파일러,인터프리터,버그,스택 트레이스,단위 테스트
    de: funktion*,skript*,klasse*,implementier*,abfrage*,schnittstelle*,quellcode,programmier*,fehlermeldung*
    fr: fonction*,requête*,implément*,compilateur,interpréteur,tests unitaires,expression régulière
    es: función,funciones,código,consulta*,clase,implementa,compilador,intérprete,pruebas unitarias,expresión regular
    pt: função,funções,código,consulta*,classe,compilador,interpretador,testes unitários,expressão regular
    it: funzione,funzioni,codice,classe,compilatore,interprete,test unitari,espressione regolare
    ru: код,кода,коде,кодом,функци*,скрипт*,класс*,запрос*,компилятор*,интерпретатор*,баг*,юнит-тест*,модульн* тест*,регулярн* выражени*
    ar: كود,الكود,شيفرة,الشيفرة,دالة,الدالة,دوال,سكربت,استعلام,اختبارات الوحدة
    hi: कोड,फ़ंक्शन,फंक्शन,स्क्रिप्ट,क्लास,क्वेरी,बग
    th: โค้ด,ฟังก์ชัน,สคริปต์,คลาส,คิวรี,บั๊ก,เอนด์พอยต์
    vi: mã nguồn,đoạn mã,viết mã,hàm,truy vấn,trình biên dịch,kiểm thử đơn vị`,
  math: `
    zh: 证明,證明,定理,引理,推导,推導,积分,積分,导数,導數,微分,方程,概率,机率,機率,矩阵,矩陣,特征值,特徵值,优化,最优化,最優化,线性规划,線性規劃,复杂度,複雜度,归纳法,歸納法,整数解,整數解,闭式,閉式,解析解,方差,上界,误差界,誤差界,样本量,樣本量
    ja: 証明,定理,補題,導出,積分,導関数,微分,方程式,確率,行列,固有値,最適化,線形計画,計算量,帰納法,整数解,閉形式,分散,上界,誤差,標本サイズ,サンプルサイズ
    ko: 증명,보조정리,유도,적분,도함수,미분,방정식,확률,행렬,고유값,최적화,선형 계획,복잡도,귀납법,정수해,닫힌 형식,상한,오차 한계,표본 크기
    de: beweis*,herleit*,leite*,ableitung*,gleichung*,wahrscheinlichkeit*,eigenwert*,optimier*,lineare programmierung,komplexität,induktion,ganzzahlige lösungen,geschlossene form,varianz,fehlerschranke*,stichprobengröße*,stichprobenumfang
    fr: démontr*,preuve,prouve*,théorème,lemme,dériv*,intégrale*,équation*,probabilité*,matrice,valeur* propre*,programmation linéaire,complexité,récurrence,solutions entières,forme close,forme fermée,borne*,échantillon*
    es: demuestr*,demostr*,teorema,lema,deriva,derivar,derivad*,ecuaci*,probabilidad*,matriz,autovalor*,valores propios,programación lineal,complejidad,inducción,soluciones enteras,forma cerrada,varianza,cota*,tamaño de* muestra
    pt: demonstre,demonstrar,teorema,lema,derivar,derivada*,equaç*,probabilidade*,matriz,autovalor*,otimiz*,programação linear,complexidade,indução,soluções inteiras,forma fechada,variância,limite superior,tamanho da amostra,tamanho de amostra
    it: dimostr*,teorema,lemma,deriva,derivare,derivata,integrale,equazion*,probabilità,matrice,autovalor*,ottimizz*,programmazione lineare,complessità,induzione,soluzioni intere,forma chiusa,varianza,limite superiore,dimensione del campione
    ru: докаж*,доказа*,теорем*,лемм*,выведи*,вывести,интеграл*,производн*,уравнени*,вероятност*,матриц*,собственн* значени*,оптимиз*,линейн* программир*,сложност*,индукци*,целочисленн* решени*,замкнут* форм*,дисперси*,погрешност*,размер* выборки,объём* выборки
    ar: أثبت,اثبت,برهان,برهن,مبرهنة,اشتق,تكامل,مشتقة,معادلة,معادلات,احتمال,احتمالات,مصفوفة,مصفوفات,القيم الذاتية,البرمجة الخطية,تعقيد,استقراء,حلول صحيحة,صيغة مغلقة,تباين,حجم العينة
    hi: सिद्ध,प्रमाण,प्रमेय,व्युत्पन्न,समाकलन,अवकलज,समीकरण,प्रायिकता,संभावना,आव्यूह,मैट्रिक्स,इष्टतम,अनुकूलन,रैखिक प्रोग्रामिंग,जटिलता,आगमन,प्रसरण,नमूना आकार
    th: พิสูจน์,ทฤษฎีบท,บทตั้ง,อนุพันธ์,ปริพันธ์,อินทิกรัล,สมการ,ความน่าจะเป็น,เมทริกซ์,ค่าลักษณะเฉพาะ,การหาค่าเหมาะที่สุด,กำหนดการเชิงเส้น,ความซับซ้อน,อุปนัย,ความแปรปรวน,ขนาดตัวอย่าง
    vi: chứng minh,định lý,bổ đề,suy ra,đạo hàm,tích phân,phương trình,xác suất,ma trận,giá trị riêng,tối ưu,quy hoạch tuyến tính,độ phức tạp,quy nạp,nghiệm nguyên,dạng đóng,phương sai,cận trên,cỡ mẫu`,
  reasoning: `
    zh: 逐步,一步一步,为什么,為什麼,为何,為何,分析,比较,比較,对比,對比,权衡,權衡,取舍,取捨,设计,設計,架构,架構,诊断,診斷,根本原因,根因,评估,評估,论证,論證,批判,假设,假設,故障模式,失效模式,策略,战略,戰略,推荐,推薦,建议,建議,计划,計劃,调查,調查,排查,推理,影响,影響,优缺点,優缺點,利弊
    ja: ステップバイステップ,段階的,一歩ずつ,なぜ,何故,分析,比較,トレードオフ,設計,アーキテクチャ,診断,根本原因,評価,正当化,根拠,批判的,仮説,故障モード,障害モード,戦略,推奨,勧め,計画,調査,推論,影響,長所と短所,メリットとデメリット,検討
    ko: 단계별,차근차근,왜,분석,비교,트레이드오프,장단점,설계,아키텍처,진단,근본 원인,근본원인,평가,정당화,근거,비판적,가설,장애 모드,실패 모드,전략,추천,권장,계획,조사,추론,영향,함의
    de: schritt für schritt,schrittweise*,warum,weshalb,wieso,analysier*,vergleich*,abwäg*,kompromiss*,vor- und nachteile,entwirf,entwurf,architektur,ursache*,bewert*,begründ*,kritisch*,fehlermodi,ausfallmodi,ausfallszenari*,strategie,strategien,empfehl*,empfiehl*,planung,untersuch*,beurteil*,einschätz*,schlussfolger*,auswirkung*,implikation*
    fr: étape par étape,pourquoi,analysez,analyser,comparez,comparer,comparaison*,compromis,avantages et inconvénients,conçoi*,concevez,diagnostiqu*,cause* racine*,cause* profonde*,évalu*,justifiez,justifie,justifier,critiquement,hypothèse*,modes de défaillance,stratégi*,recommand*,planifi*,enquêt*,raisonn*,pour et contre
    es: paso a paso,por qué,analiza*,compara,comparar,comparación,ventajas y desventajas,pros y contras,compensaci*,diseñ*,arquitectura,causa raíz,causas raíz,evalúa,evaluar,evalúe,justifica,justificar,justifique,críticamente,hipótesis,modos de fallo,modos de falla,estrategia*,recomiend*,recomend*,planific*,investiga,investigar,razona*,implicaciones
    pt: passo a passo,por que,por quê,analis*,comparar,comparação,prós e contras,vantagens e desvantagens,projete,projetar,arquitetura,causa raiz,causas raiz,avali*,justifique,justificar,criticamente,hipótese*,modos de falha,estratégi*,recomend*,planej*,investigue,investigar,raciocín*,implicações
    it: passo dopo passo,perché,analizz*,confronta*,compromess*,pro e contro,vantaggi e svantaggi,progett*,architettura,causa principale,cause principali,valuta*,giustific*,criticamente,ipotes*,modalità di guasto,strategia,strategie,raccomand*,consigl*,pianific*,indaga*,ragionament*,implicazioni
    ru: пошагово,шаг за шагом,почему,анализ*,проанализир*,сравн*,компромисс*,плюсы и минусы,спроектир*,проектир*,архитектур*,диагност*,первопричин*,корнев* причин*,оцени*,оценк*,обоснуй*,обоснов*,критическ*,гипотез*,режим* отказа,сценари* отказа,стратеги*,рекоменд*,планир*,исслед*,расследу*,рассужд*,последстви*
    ar: خطوة بخطوة,لماذا,حلل,تحليل,قارن,مقارنة,المفاضلة,مزايا وعيوب,الإيجابيات والسلبيات,صمم,تصميم,معمارية,تشخيص,السبب الجذري,الأسباب الجذرية,تقييم,برر,نقدي,فرضية,فرضيات,أنماط الفشل,أوضاع الفشل,استراتيجية,توصية,أوصي,اقترح,خطة,تحقق,استدلال,الآثار,آثار,انعكاسات
    hi: चरणबद्ध,चरण दर चरण,क्यों,विश्लेषण,तुलना,फायदे और नुकसान,लाभ और हानि,डिज़ाइन,डिजाइन,आर्किटेक्चर,निदान,मूल कारण,मूल्यांकन,औचित्य,आलोचनात्मक,परिकल्पना,विफलता,रणनीति,सुझा*,अनुशंसा,सिफारिश,योजना,जांच,जाँच,तर्क,प्रभाव,निहितार्थ
    th: ทีละขั้นตอน,ทำไม,เพราะเหตุใด,วิเคราะห์,เปรียบเทียบ,ข้อดีข้อเสีย,ข้อดีและข้อเสีย,ออกแบบ,สถาปัตยกรรม,วินิจฉัย,สาเหตุที่แท้จริง,ต้นเหตุ,ประเมิน,ให้เหตุผล,วิจารณญาณ,สมมติฐาน,รูปแบบความล้มเหลว,กลยุทธ์,แนะนำ,ข้อเสนอแนะ,แผน,สืบสวน,ผลกระทบ,นัยยะ
    vi: từng bước,tại sao,vì sao,phân tích,so sánh,đánh đổi,ưu và nhược điểm,ưu nhược điểm,thiết kế,kiến trúc,chẩn đoán,nguyên nhân gốc,đánh giá,biện minh,lập luận,phản biện,giả thuyết,chế độ lỗi,chiến lược,đề xuất,khuyến nghị,kế hoạch,điều tra,suy luận,hệ quả,tác động`,
  constraints: `
    zh: 必须,必須,应该,應該,应当,應當,不要,不得,不能,至少,最多,不超过,不超過,少于,少於,低于,低於,恰好,正好,确保,確保,保证,保證,仅,僅,只能,避免,绝不,絕不,从不,從不,每个,每個,以内,以內,需要,要求,保持
    ja: 必ず,しなければ,べき,ないでください,しないで,禁止,少なくとも,最低,最大,以内,未満,正確に,ちょうど,確保,保証,のみ,だけ,避け,決して,すべての,必要,維持
    ko: 반드시,해야,하지 마,하지 말,말아야,않아야,없이,최소,적어도,최대,이하,이내,미만,정확히,보장,오직,피하,절대,각각,모든,필요,유지
    de: muss,müssen,musst,sollte*,soll,sollen,ohne,mindestens,höchstens,maximal,nicht mehr als,weniger als,genau,sicherstell*,stelle sicher,gewährleist*,garantier*,nur,vermeide*,niemals,jede*,innerhalb,erforderlich,benötig*,beibehalt*
    fr: doit,doivent,devez,dois,faut,devrait,devraient,sans,au moins,au plus,au maximum,pas plus de,moins de,exactement,assurez,assure-toi,garanti*,seulement,uniquement,évite*,jamais,chaque,requis,nécessaire*,en gardant,tout en
    es: debe,deben,debes,debería*,sin,al menos,como mínimo,como máximo,no más de,menos de,exactamente,asegúra*,asegur*,garantiz*,solo,sólo,únicamente,evita,evitar,evite,nunca,cada,dentro de,requerid*,necesari*,manteniendo
    pt: deve,devem,precisa*,pelo menos,no mínimo,no máximo,não mais que,não mais de,menos de,exatamente,garanta,garantir,assegur*,apenas,somente,evite,evitar,nunca,cada,dentro de,obrigatóri*,necessári*,mantendo
    it: deve,devono,devi,dovrebbe*,senza,almeno,al massimo,non più di,meno di,esattamente,assicura*,garantisc*,soltanto,evita,evitare,mai,ogni,entro,richiest*,necessario,necessaria,necessarie,mantenendo
    ru: долж*,следует,нужно,необходимо,без,не менее,как минимум,минимум,не более,максимум,меньше,ровно,точно,обеспеч*,гарантир*,убедись,только,избега*,никогда,кажд*,в пределах,требует*,сохраняя,нельзя
    ar: يجب,ينبغي,لا بد,دون,بدون,على الأقل,على الأكثر,لا يزيد,لا تزيد,أقل من,بالضبط,تماما,تأكد,ضمان,اضمن,يضمن,فقط,تجنب,أبدا,كل,ضمن,مطلوب,مع الحفاظ
    hi: ज़रूर,जरूर,अवश्य,चाहिए,बिना,कम से कम,अधिकतम,से अधिक नहीं,से कम,सुनिश्चित,गारंटी,केवल,सिर्फ,सिर्फ़,बचें,कभी नहीं,कभी न,प्रत्येक,हर,भीतर,आवश्यक,बनाए रखते
    th: ต้อง,ควร,ห้าม,โดยไม่,อย่างน้อย,ไม่เกิน,สูงสุด,น้อยกว่า,ต่ำกว่า,แน่ใจ,รับประกัน,เท่านั้น,หลีกเลี่ยง,ไม่เคย,แต่ละ,ทุก,ภายใน,จำเป็น,คงไว้,อย่า
    vi: phải,không được,mà không,ít nhất,tối đa,không quá,không vượt quá,ít hơn,chính xác,đảm bảo,bảo đảm,chỉ,tránh,không bao giờ,mỗi,mọi,trong vòng,bắt buộc,cần,giữ,đừng`,
  multiStep: `
    zh: 首先,然后,然後,之后,之後,接着,接著,最后,最後,其次,第一步,第二步,阶段,階段
    ja: まず,最初に,次に,その後,それから,最後に,続いて,ステップ,段階,フェーズ
    ko: 먼저,우선,그다음,그 다음,그런 다음,이후,마지막으로,다음으로,단계
    de: zuerst,erstens,dann,danach,anschließend,schließlich,zuletzt,als nächstes,gefolgt von,schritt*
    fr: premièrement,d'abord,ensuite,puis,après cela,enfin,finalement,suivi de,étape*
    es: primero,luego,después,a continuación,finalmente,por último,seguido de,paso,fase
    pt: primeiro,depois,em seguida,então,finalmente,por fim,seguido de,passo,etapa*,fase
    it: prima,poi,quindi,dopo,infine,successivamente,seguito da,passo,fase
    ru: сначала,во-первых,затем,потом,после этого,наконец,далее,следующ*,шаг*,этап*
    ar: أولا,ثم,بعد ذلك,أخيرا,التالي,يليه,خطوة,مرحلة
    hi: पहले,सबसे पहले,फिर,उसके बाद,इसके बाद,अंत में,आखिर में,अगला
    th: ก่อนอื่น,อันดับแรก,จากนั้น,หลังจากนั้น,สุดท้าย,ต่อไป,ขั้นตอนที่,ระยะ
    vi: đầu tiên,trước tiên,sau đó,tiếp theo,cuối cùng,rồi,bước,giai đoạn`,
};

type CueKind = keyof typeof OTHER_LANGUAGE_CUES;
const CUE_KINDS = Object.keys(OTHER_LANGUAGE_CUES) as CueKind[];

/** Scripts written without spaces between words (or with endings glued on): their cues match anywhere. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
/** Where a cue can start: any character of an unspaced script (group 1), or a word's first character. */
const CUE_START = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}])|(?<![\p{L}\p{M}\p{N}])[\p{L}\p{N}]/gu;
const LETTER = /[\p{L}\p{M}]/u;
/** Arabic glues "and" (و, ف) and the article (ال) onto the word. */
const ARABIC_PREFIXES = ['', 'و', 'ف', 'ال', 'وال', 'فال'];
const NO_PREFIX = [''];
const KEY_LENGTH = 3;

/** A cue as a sequence: literal text, `*` (the rest of a word), ` ` (whitespace), `'` (an apostrophe). */
interface Cue {
  /** Index into CUE_KINDS. */
  kind: number;
  parts: string[];
  /** The cue must end at the end of a word (not a stem, not an unspaced script). */
  wordEnd: boolean;
  arabic: boolean;
}

/**
 * The cues indexed by their first characters (up to three; one in unspaced scripts), so a scan
 * tries only the few that can start at a position, and matched by hand: one alternation of the
 * ~1,300 cues tried at every character made feature extraction ~30 times slower.
 */
function buildCueIndex(): Map<number, Cue[]> {
  const byStart = new Map<number, Cue[]>();
  const all: Array<{ entry: string; kind: number }> = [];
  CUE_KINDS.forEach((kind, k) => {
    for (const line of OTHER_LANGUAGE_CUES[kind].split('\n'))
      for (const e of line.replace(/^\s*[a-z]{2}:/, '').split(',')) if (e.trim()) all.push({ entry: e.trim().toLowerCase(), kind: k });
  });
  // Longest first, so 每个 is one cue and not 每 and then 个.
  all.sort((x, y) => y.entry.length - x.entry.length);
  for (const { entry: word, kind } of all) {
    const unspaced = UNSPACED.test(word[0]!);
    const arabic = /^\p{Script=Arabic}/u.test(word);
    const cue: Cue = { kind, parts: word.split(/([*' ])/).filter(Boolean), wordEnd: !unspaced && !word.endsWith('*'), arabic };
    // Keyed by up to three leading characters (one for unspaced scripts), with each Arabic prefix.
    const first = cue.parts[0]!;
    const keys = unspaced ? [first[0]!] : (arabic ? ARABIC_PREFIXES : NO_PREFIX).map((p) => (p + first).slice(0, KEY_LENGTH));
    for (const k of new Set(keys.map((key) => cueKey(key, 0, key.length)))) {
      const list = byStart.get(k) ?? [];
      list.push(cue);
      byStart.set(k, list);
    }
  }
  return byStart;
}

let cueIndex: ReturnType<typeof buildCueIndex> | undefined;

/** Where `cue` matches `text` at `at`: its end, or -1. */
function matchCue(text: string, at: number, cue: Cue): number {
  for (const prefix of cue.arabic ? ARABIC_PREFIXES : NO_PREFIX) {
    if (!text.startsWith(prefix, at)) continue;
    let i = at + prefix.length;
    // Most candidates fail on their first characters: test those before anything else.
    if (!text.startsWith(cue.parts[0]!, i)) continue;
    for (const part of cue.parts) {
      if (part === '*') while (i < text.length && LETTER.test(text[i]!)) i++;
      else if (part === ' ') {
        const from = i;
        while (i < text.length && /\s/.test(text[i]!)) i++;
        if (i === from) i = -1;
      } else if (part === "'") i = text[i] === "'" || text[i] === '’' ? i + 1 : -1;
      else i = text.startsWith(part, i) ? i + part.length : -1;
      if (i < 0) break;
    }
    if (i >= 0 && !(cue.wordEnd && i < text.length && LETTER.test(text[i]!))) return i;
  }
  return -1;
}

/**
 * The ask as the other-language cues read it: NFC (a decomposed "é" is still é), lower case, and
 * without Arabic vowel marks and tatweel (حلّل and حـلـل are حلل).
 */
export function cueText(text: string): string {
  return text.normalize('NFC').replace(/[\u064B-\u0652\u0670\u0640]/g, '').toLowerCase();
}

/** The first `n` UTF-16 units of text at `at` as one number (no string is built per position). */
function cueKey(text: string, at: number, n: number): number {
  let k = n;
  for (let i = 0; i < n; i++) k = k * 65536 + text.charCodeAt(at + i);
  return k;
}

/** Tries `cues` at `at`, counting matches into `counts` (per kind, matches do not overlap: `free`). */
function tryCues(text: string, cues: Cue[] | undefined, at: number, counts: number[], free: number[]): void {
  if (!cues) return;
  for (const c of cues) {
    if (at < free[c.kind]!) continue;
    const end = matchCue(text, at, c);
    if (end < 0) continue;
    counts[c.kind]!++;
    free[c.kind] = Math.max(end, at + 1);
  }
}

/** Cues of each kind in other languages in a cueText (all 0 on English text). */
export function otherLanguageCues(text: string): Record<CueKind, number> {
  cueIndex ??= buildCueIndex();
  const index = cueIndex;
  const counts = new Array<number>(CUE_KINDS.length).fill(0);
  const free = new Array<number>(CUE_KINDS.length).fill(0);
  CUE_START.lastIndex = 0;
  for (let m = CUE_START.exec(text); m !== null; m = CUE_START.exec(text)) {
    const at = m.index;
    const longest = m[1] === undefined ? Math.min(KEY_LENGTH, text.length - at) : 1;
    for (let n = 1; n <= longest; n++) tryCues(text, index.get(cueKey(text, at, n)), at, counts, free);
  }
  return Object.fromEntries(CUE_KINDS.map((k, i) => [k, counts[i]!])) as Record<CueKind, number>;
}

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  return text.match(re)?.length ?? 0;
}

const MAX_SCANNED = 8000;

const sat = (x: number, full: number): number => Math.min(1, Math.max(0, x / full));

/**
 * The user turns that ask something: with text. A tool-call follow-up sends the tool's output as a
 * user turn without text on the Anthropic (`tool_result` blocks) and Responses
 * (`function_call_output` items) protocols, where OpenAI chat uses a `tool` role; either way the ask
 * is still the user's last written turn, so the three protocols route one conversation alike.
 */
export function askingTurns(messages: ChatText[]): ChatText[] {
  return messages.filter((m) => m.role === 'user' && m.text.trim() !== '');
}

/** Earlier user turns folded into the ask when each was followed by a question from the assistant. */
const MAX_FOLLOW_UPS = 3;

/** Whether an assistant turn ends by asking the user something (its last line has a question mark). */
function asksBack(text: string): boolean {
  const lastLine = text.trim().split('\n').at(-1) ?? '';
  return /[?？؟]/.test(lastLine);
}

/**
 * The ask: the last user turn with text (else the last message). A turn that answers the
 * assistant's question ("Postgres 15, about 3k writes/s" after "Which database are you on?") is not
 * a new task but the rest of the one before it: that earlier turn is read with it (up to
 * MAX_FOLLOW_UPS questions back). Judged alone, the answer sent a hard design task on to the small
 * tier the moment the model asked for a detail. A single-turn ask is unchanged.
 */
export function askText(messages: ChatText[]): string {
  const turns = askingTurns(messages);
  const last = turns.at(-1);
  if (!last) return messages.at(-1)?.text ?? '';
  const parts = [last.text];
  let at = messages.lastIndexOf(last);
  for (let t = turns.length - 2; t >= 0 && parts.length <= MAX_FOLLOW_UPS; t--) {
    const from = messages.lastIndexOf(turns[t]!, at);
    const reply = messages.slice(from + 1, at).findLast((m) => m.role === 'assistant' && m.text.trim() !== '');
    if (!reply || !asksBack(reply.text)) break;
    parts.unshift(turns[t]!.text);
    at = from;
  }
  return parts.join('\n\n');
}

/**
 * Longer than any prompt the learned router was trained or evaluated on (the longest is 2,770
 * characters): such an ask is pasted material — a log, a contract, a source file — with the
 * request before or after it.
 */
export const MATERIAL_CHARS = 3000;
/** A paragraph at the start or end of a long ask that is at most this long is read as its request. */
const REQUEST_PARAGRAPH_CHARS = 600;
const PARAGRAPH_BREAK = /\n[ \t\r]*\n/;
const PARAGRAPH_BREAK_ALL = /\n[ \t\r]*\n/g;

/**
 * What the router reads of an ask: the ask itself, or for pasted material (longer than
 * MATERIAL_CHARS) its request — a lead-in line, or the short paragraphs that open and close it.
 * Read whole, the material decided the tier: its digits, commas, sentences and length saturated the
 * cheap features (a 15 KB log with "What is the timestamp of the first line?" went to large on the
 * cheap variant, 9 of 9 such asks) and the embedding saw only the material's first 400 characters.
 * The material still counts as `context`. Asks of the length the router was trained on are unchanged.
 */
export function requestText(ask: string): string {
  if (ask.length <= MATERIAL_CHARS) return ask;
  // Only the ends are looked at (a split of a 1 MB paste took 20 ms): a request paragraph is short.
  const window = REQUEST_PARAGRAPH_CHARS + 64;
  const head = ask.trimStart().slice(0, window);
  const firstBreak = head.search(PARAGRAPH_BREAK);
  const first = leadIn(head) ?? (firstBreak < 0 ? '' : head.slice(0, firstBreak).trim());
  const tail = ask.trimEnd().slice(-window);
  let lastBreak = -1;
  for (const m of tail.matchAll(PARAGRAPH_BREAK_ALL)) lastBreak = m.index + m[0].length;
  const last = lastBreak < 0 ? '' : tail.slice(lastBreak).trim();
  const request = [first, last].filter((p) => p !== '' && p.length <= REQUEST_PARAGRAPH_CHARS).join('\n\n');
  return request || ask;
}

/**
 * A first line introducing the material right under it ("Summarise this log:"): with no blank line
 * after it, the material decided the tier (a log summary went to large). Code's own colon lines
 * (`def f(x):`, `class Handler:`) have brackets, operators or under three words; CJK has no spaces.
 */
function leadIn(head: string): string | undefined {
  const end = head.indexOf('\n');
  const line = end < 0 ? '' : head.slice(0, end).trim();
  if (!/[:：]$/.test(line) || /[()[\]{}=;<>]/.test(line)) return undefined;
  return /\S\s+\S+\s+\S/.test(line) || line.search(CJK) >= 0 ? line : undefined;
}

/** The ask as the router reads it (requestText of askText): features, embedding and exemplars. */
export function routingAsk(messages: ChatText[]): string {
  return requestText(askText(messages));
}

// Han, kana and Hangul: about one token per character in GPT and Claude tokenizers, not one per four.
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/**
 * Estimated tokens of a text without a tokenizer: characters / 4, but a CJK character counts as a
 * token — at characters / 4, a Chinese or Japanese ask looked a quarter of its length to the router.
 */
export function estimateTokens(text: string): number {
  CJK.lastIndex = 0;
  const cjk = text.match(CJK)?.length ?? 0;
  return (text.length - cjk) / 4 + cjk;
}

/** `ask`: routingAsk(messages), when the caller has it already (it is read once per routed request). */
export function extractFeatures(messages: ChatText[], ask: string = routingAsk(messages)): Features {
  const userTurns = askingTurns(messages);
  const allChars = messages.reduce((n, m) => n + m.text.length + 1, 0);
  const fullLast = ask;
  // The cue regexes only look at the first 8k characters: enough to read the ask, and a pasted
  // blob (base64, minified code) cannot make routing slow.
  const last = fullLast.length > MAX_SCANNED ? fullLast.slice(0, MAX_SCANNED) : fullLast;
  // Length of the ask itself (~4 characters per token), log scale: ~8 tokens → 0, ~150 → 1. A long
  // system prompt or history says little about how hard the new question is; that is `context`.
  const lastTokens = estimateTokens(fullLast);
  const length = sat(Math.log10(Math.max(lastTokens, 1) / 8), Math.log10(150 / 8));
  const context = sat(Math.log10(Math.max(allChars / 4, 1) / 200), 2);
  const cues = otherLanguageCues(cueText(last));
  const other = (kind: CueKind) => cues[kind];
  const codeTokens = count(CODE_TOKENS, last);
  const code = CODE_FENCE.test(last) ? 1 : Math.max(sat(codeTokens, 3), 0.5 * sat(count(CODE_WORDS, last) + other('code'), 2));
  // Full-width stops (。！？) end CJK sentences without a following space; Arabic ؟ and Devanagari । end theirs.
  const sentences = last.split(/[.!?؟।](?:\s|$)|[。！？]/).filter((s) => s.trim().length > 3).length;
  const listItems = (last.match(/^\s*(?:[-*•]|\d+[.)])\s+/gm) ?? []).length;
  const commas = (last.match(/[,，、،]/g) ?? []).length;
  const questions = (last.match(/[?？؟]/g) ?? []).length;
  return {
    length,
    context,
    task: sat(count(TASK, last) + other('task'), 1),
    code,
    math: sat(count(MATH, last) + other('math'), 2),
    reasoning: sat(count(REASONING, last) + other('reasoning'), 2),
    constraints: sat(count(CONSTRAINTS, last) + other('constraints') + listItems + Math.max(0, commas - 2) / 2, 4),
    multiStep: sat(count(MULTI_STEP, last) + other('multiStep') + Math.max(0, sentences - 2) + Math.max(0, questions - 1), 4),
    depth: sat(userTurns.length - 1, 6),
    simple: lastTokens < 30 ? sat(count(SIMPLE, last), 1) : 0,
  };
}
