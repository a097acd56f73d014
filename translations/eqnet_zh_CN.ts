<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>eqnet::ui</name>
    <message>
        <source>Could not copy %1 to %2</source>
        <translation>无法将 %1 复制到 %2</translation>
    </message>
    <message>
        <source>This installation has no demo run (share/eqnet/demo-run is missing).</source>
        <translation>此安装不含演示运行（缺少 share/eqnet/demo-run）。</translation>
    </message>
    <message>
        <source>Could not replace the old demo run copy at %1</source>
        <translation>无法替换位于 %1 的旧演示运行副本</translation>
    </message>
    <message>
        <source>Could not move the demo run into %1</source>
        <translation>无法将演示运行移动到 %1</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::Application</name>
    <message>
        <source>EQ-Net Studio: train, search and export elastically quantized neural networks.</source>
        <translation>EQ-Net Studio：训练、搜索并导出弹性量化的神经网络。</translation>
    </message>
    <message>
        <source>Run folder to open at start.</source>
        <translation>启动时要打开的运行文件夹。</translation>
    </message>
    <message>
        <source>Open the demo run that comes with EQ-Net Studio (a writable copy).</source>
        <translation>打开 EQ-Net Studio 自带的演示运行（可写副本）。</translation>
    </message>
    <message>
        <source>A second run whose weights the Weights tab draws for comparison (e.g. one trained without WDR).</source>
        <translation>权重页用于对比绘制其权重的第二个运行（例如未使用 WDR 训练的运行）。</translation>
    </message>
    <message>
        <source>The tab to show first: training, weights, predictor, pareto or model.</source>
        <translation>首先显示的标签页：training、weights、predictor、pareto 或 model。</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::ComparedRuns</name>
    <message>
        <source>%1 is the open run</source>
        <translation>%1 就是当前打开的运行</translation>
    </message>
    <message>
        <source>%1 is compared already</source>
        <translation>%1 已在对比中</translation>
    </message>
    <message>
        <source>At most %1 runs can be compared at once</source>
        <translation>最多同时对比 %1 个运行</translation>
    </message>
    <message>
        <source>%1: no such file (not a run folder?)</source>
        <translation>%1：文件不存在（不是运行文件夹？）</translation>
    </message>
    <message>
        <source>%1 holds no training records</source>
        <translation>%1 没有训练记录</translation>
    </message>
    <message>
        <source>mean skewness</source>
        <translation>平均偏度</translation>
    </message>
    <message>
        <source>mean kurtosis</source>
        <translation>平均峰度</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::ConstraintsDock</name>
    <message>
        <source>Hardware constraints</source>
        <translation>硬件约束</translation>
    </message>
    <message>
        <source>Hardware profiles: shipped presets and your own</source>
        <translation>硬件配置：内置预设及您自己的配置</translation>
    </message>
    <message>
        <source>Bit-widths</source>
        <translation>位宽</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>Allow %1-bit weights on the searchable layers</source>
        <translation>允许可搜索层使用 %1 位权重</translation>
    </message>
    <message>
        <source>Allow %1-bit activations on the searchable layers</source>
        <translation>允许可搜索层使用 %1 位激活</translation>
    </message>
    <message>
        <source>Quantization form</source>
        <translation>量化形式</translation>
    </message>
    <message>
        <source>per-tensor</source>
        <translation>逐张量</translation>
    </message>
    <message>
        <source>per-channel</source>
        <translation>逐通道</translation>
    </message>
    <message>
        <source>symmetric</source>
        <translation>对称</translation>
    </message>
    <message>
        <source>asymmetric</source>
        <translation>非对称</translation>
    </message>
    <message>
        <source>Weight scales:</source>
        <translation>权重缩放因子：</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <source>Activations:</source>
        <translation>激活：</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>BitOps at most</source>
        <translation>BitOps 不超过</translation>
    </message>
    <message>
        <source> MBitOps</source>
        <translation> MBitOps</translation>
    </message>
    <message>
        <source>Size at most</source>
        <translation>大小不超过</translation>
    </message>
    <message>
        <source> KiB</source>
        <translation> KiB</translation>
    </message>
    <message>
        <source>Save as user profile…</source>
        <translation>另存为用户配置…</translation>
    </message>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1（无法读取）</translation>
    </message>
    <message>
        <source>%1 (shipped)</source>
        <translation>%1（内置）</translation>
    </message>
    <message>
        <source>%1 (user)</source>
        <translation>%1（用户）</translation>
    </message>
    <message>
        <source>%1 (modified)</source>
        <translation>%1（已修改）</translation>
    </message>
    <message>
        <source>Invalid profile: allow at least one weight bit-width.</source>
        <translation>配置无效：请至少允许一种权重位宽。</translation>
    </message>
    <message>
        <source>Invalid profile: allow at least one activation bit-width.</source>
        <translation>配置无效：请至少允许一种激活位宽。</translation>
    </message>
    <message>
        <source>Open a run to check this profile against its layers.</source>
        <translation>打开一个运行，以根据其各层检查此配置。</translation>
    </message>
    <message>
        <source>cheapest subnet %1 at %2, %3</source>
        <translation>最低开销子网 %2：%1，%3</translation>
    </message>
    <message>
        <source>Feasible for %1: %2 subnets; %3.</source>
        <translation>对 %1 可行：%2 个子网；%3。</translation>
    </message>
    <message>
        <source>Infeasible: %1 (%2)</source>
        <translation>不可行：%1（%2）</translation>
    </message>
    <message>
        <source>Give the profile a name.</source>
        <translation>请为配置命名。</translation>
    </message>
    <message>
        <source>A profile name cannot contain &apos;/&apos;.</source>
        <translation>配置名称不能包含“/”。</translation>
    </message>
    <message>
        <source>The profile is invalid: allow at least one bit-width each.</source>
        <translation>配置无效：权重和激活需各至少允许一种位宽。</translation>
    </message>
    <message>
        <source>There is no user profile folder (no home folder).</source>
        <translation>没有用户配置文件夹（没有主文件夹）。</translation>
    </message>
    <message>
        <source>Could not create %1</source>
        <translation>无法创建 %1</translation>
    </message>
    <message>
        <source>Saved %1, but another profile folder has a profile of the same name that comes first.</source>
        <translation>已保存 %1，但另一个配置文件夹中有优先级更高的同名配置。</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>保存配置</translation>
    </message>
    <message>
        <source>Profile name:</source>
        <translation>配置名称：</translation>
    </message>
    <message>
        <source>%1 exists. Replace it?</source>
        <translation>%1 已存在。要替换吗？</translation>
    </message>
    <message>
        <source>Reading the run&apos;s layers…</source>
        <translation>正在读取该运行的层…</translation>
    </message>
    <message>
        <source>This run has no checkpoint yet: the profile is checked against its layers once training writes one.</source>
        <translation>该运行还没有检查点：训练写出检查点后，将按其各层检查此配置。</translation>
    </message>
    <message>
        <source>The run&apos;s layers could not be read: %1</source>
        <translation>无法读取该运行的层：%1</translation>
    </message>
    <message>
        <source>Reset to the profile</source>
        <translation>恢复为配置</translation>
    </message>
    <message>
        <source>Discard the edits: the picked profile as its file has it</source>
        <translation>放弃修改：恢复为所选配置文件中的内容</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::ExportDialog</name>
    <message>
        <source>Export subnet</source>
        <translation>导出子网</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Subnet configuration (JSON): bit-widths, form, accuracy and provenance</source>
        <translation>子网配置（JSON）：位宽、量化形式、准确率及来源信息</translation>
    </message>
    <message>
        <source>ONNX model (QDQ): the quantized network, ready for ONNX Runtime</source>
        <translation>ONNX 模型（QDQ）：量化后的网络，可直接用于 ONNX Runtime</translation>
    </message>
    <message>
        <source>ONNX export is not available: this build was made without the ONNX library (libonnx-dev). Rebuild with it to export models.</source>
        <translation>ONNX 导出不可用：此版本构建时未包含 ONNX 库（libonnx-dev）。请加入该库重新构建以导出模型。</translation>
    </message>
    <message>
        <source>Exporting ONNX re-estimates batch-norm statistics for this subnet and takes a few seconds.</source>
        <translation>导出 ONNX 时会为此子网重新估计批归一化统计量，需要几秒钟。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Subnet configurations (*.json)</source>
        <translation>子网配置 (*.json)</translation>
    </message>
    <message>
        <source>No subnet chosen: pick a point of the Pareto front first.</source>
        <translation>未选择子网：请先在帕累托前沿上选取一个点。</translation>
    </message>
    <message>
        <source>Subnet</source>
        <translation>子网</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Weight bits</source>
        <translation>权重位宽</translation>
    </message>
    <message>
        <source>Activation bits</source>
        <translation>激活位宽</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>The first and the last layer always run at 8/8 bits</source>
        <translation>第一层和最后一层始终以 8/8 位运行</translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Form:</source>
        <translation>量化形式：</translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation>硬件配置：</translation>
    </message>
    <message>
        <source>Uniform:</source>
        <translation>统一位宽：</translation>
    </message>
    <message>
        <source>BitOps:</source>
        <translation>BitOps：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>大小：</translation>
    </message>
    <message>
        <source>Mean bits:</source>
        <translation>平均位宽：</translation>
    </message>
    <message>
        <source>weights %1, activations %2</source>
        <translation>权重 %1，激活 %2</translation>
    </message>
    <message>
        <source>Predicted accuracy:</source>
        <translation>预测准确率：</translation>
    </message>
    <message>
        <source>Validation accuracy:</source>
        <translation>验证集准确率：</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>未实测</translation>
    </message>
    <message>
        <source>Test accuracy:</source>
        <translation>测试集准确率：</translation>
    </message>
    <message>
        <source>Close (export goes on)</source>
        <translation>关闭（导出继续进行）</translation>
    </message>
    <message>
        <source>No run is open.</source>
        <translation>未打开任何运行。</translation>
    </message>
    <message>
        <source>Choose a file to export to.</source>
        <translation>请选择要导出到的文件。</translation>
    </message>
    <message>
        <source>%1 is a folder; give a file name inside it.</source>
        <translation>%1 是文件夹；请在其中指定一个文件名。</translation>
    </message>
    <message>
        <source>Cannot export to %1: %2 is a file, not a folder.</source>
        <translation>无法导出到 %1：%2 是文件，而不是文件夹。</translation>
    </message>
    <message>
        <source>Replace file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <source>%1 already exists. Replace it?</source>
        <translation>%1 已存在。要替换吗？</translation>
    </message>
    <message>
        <source>Exporting subnet</source>
        <translation>正在导出子网</translation>
    </message>
    <message>
        <source>Exported the ONNX model to %1: %2 nodes (%3 QuantizeLinear, %4 DequantizeLinear), %5.</source>
        <translation>已将 ONNX 模型导出到 %1：%2 个节点（%3 个 QuantizeLinear，%4 个 DequantizeLinear），%5。</translation>
    </message>
    <message>
        <source>Exported the subnet configuration to %1.</source>
        <translation>已将子网配置导出到 %1。</translation>
    </message>
    <message>
        <source>Another export is still running.</source>
        <translation>另一个导出仍在进行中。</translation>
    </message>
    <message>
        <source>Exporting the ONNX model (re-estimating batch norm for this subnet)…</source>
        <translation>正在导出 ONNX 模型（为此子网重新估计批归一化）…</translation>
    </message>
    <message>
        <source>Exporting the subnet configuration…</source>
        <translation>正在导出子网配置…</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Export again</source>
        <translation>再次导出</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::FrontTable</name>
    <message>
        <source>front</source>
        <translation>前沿</translation>
    </message>
    <message>
        <source>uniform</source>
        <translation>统一位宽</translation>
    </message>
    <message>
        <source>measured, off the front</source>
        <translation>已测量（不在前沿上）</translation>
    </message>
    <message>
        <source>mixed, mean W%1 A%2</source>
        <translation>混合，平均 W%1 A%2</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Subnet</source>
        <translation>子网</translation>
    </message>
    <message>
        <source>MBitOps</source>
        <translation>MBitOps</translation>
    </message>
    <message>
        <source>Size (KiB)</source>
        <translation>大小 (KiB)</translation>
    </message>
    <message>
        <source>Predicted (%)</source>
        <translation>预测 (%)</translation>
    </message>
    <message>
        <source>Validation (%)</source>
        <translation>验证 (%)</translation>
    </message>
    <message>
        <source>Test (%)</source>
        <translation>测试 (%)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Write the table, in the order shown, as a CSV file</source>
        <translation>按当前显示顺序将表格写为 CSV 文件</translation>
    </message>
    <message>
        <source>Click a column header to sort; click a row to select its point.</source>
        <translation>点击列标题排序；点击一行以选中对应的点。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::JobRunner</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::MainWindow</name>
    <message>
        <source>EQ-Net Studio</source>
        <translation>EQ-Net Studio</translation>
    </message>
    <message>
        <source>No run open</source>
        <translation>未打开运行</translation>
    </message>
    <message>
        <source>&amp;Open run…</source>
        <translation>打开运行(&amp;O)…</translation>
    </message>
    <message>
        <source>Open the folder of a training run</source>
        <translation>打开一次训练运行的文件夹</translation>
    </message>
    <message>
        <source>&amp;Clear list</source>
        <translation>清除列表(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit EQ-Net Studio</source>
        <translation>退出 EQ-Net Studio</translation>
    </message>
    <message>
        <source>&amp;About EQ-Net Studio</source>
        <translation>关于 EQ-Net Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Predictor</source>
        <translation>预测器</translation>
    </message>
    <message>
        <source>Pareto</source>
        <translation>帕累托</translation>
    </message>
    <message>
        <source>Run folder not found: %1</source>
        <translation>未找到运行文件夹：%1</translation>
    </message>
    <message>
        <source>%1 — EQ-Net Studio</source>
        <translation>%1 — EQ-Net Studio</translation>
    </message>
    <message>
        <source>Run: %1</source>
        <translation>运行：%1</translation>
    </message>
    <message>
        <source>Opened run %1</source>
        <translation>已打开运行 %1</translation>
    </message>
    <message>
        <source>Open run folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>About EQ-Net Studio</source>
        <translation>关于 EQ-Net Studio</translation>
    </message>
    <message>
        <source>No recent runs</source>
        <translation>无最近打开的运行</translation>
    </message>
    <message>
        <source>Train the supernet and follow its curves (Ctrl+1)</source>
        <translation>训练超网并跟踪其曲线（Ctrl+1）</translation>
    </message>
    <message>
        <source>The shared weights and their quantization grid (Ctrl+2)</source>
        <translation>共享权重及其量化网格（Ctrl+2）</translation>
    </message>
    <message>
        <source>The accuracy predictor against measurements (Ctrl+3)</source>
        <translation>准确率预测器与实测结果的对比（Ctrl+3）</translation>
    </message>
    <message>
        <source>Accuracy against BitOps for the hardware constraints (Ctrl+4)</source>
        <translation>硬件约束下的准确率与 BitOps 关系（Ctrl+4）</translation>
    </message>
    <message>
        <source>&amp;New run…</source>
        <translation>新建运行(&amp;N)…</translation>
    </message>
    <message>
        <source>Create a run folder and train a supernet in it</source>
        <translation>创建运行文件夹并在其中训练超网</translation>
    </message>
    <message>
        <source>Open &amp;demo run</source>
        <translation>打开演示运行(&amp;D)</translation>
    </message>
    <message>
        <source>Open the small finished run that comes with EQ-Net Studio</source>
        <translation>打开 EQ-Net Studio 自带的已完成的小型运行</translation>
    </message>
    <message>
        <source>&amp;Close run</source>
        <translation>关闭运行(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the training first</source>
        <translation>请先停止训练</translation>
    </message>
    <message>
        <source>&amp;Export subnet…</source>
        <translation>导出子网(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the subnet selected on the Pareto tab as JSON or ONNX</source>
        <translation>将帕累托标签页中选中的子网导出为 JSON 或 ONNX</translation>
    </message>
    <message>
        <source>&amp;Start / resume training</source>
        <translation>开始/恢复训练(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause training</source>
        <translation>暂停训练(&amp;P)</translation>
    </message>
    <message>
        <source>S&amp;top training</source>
        <translation>停止训练(&amp;T)</translation>
    </message>
    <message>
        <source>Stop at the end of the current step; a checkpoint keeps the run resumable</source>
        <translation>在当前步结束时停止；检查点使运行可稍后恢复</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system (%1)</source>
        <translation>跟随系统（%1）</translation>
    </message>
    <message>
        <source>Training is running in %1: stop it before opening another run</source>
        <translation>%1 中正在训练：请先停止训练，再打开其他运行</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>打开运行</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>新建运行</translation>
    </message>
    <message>
        <source>Training is running: stop it before starting another run</source>
        <translation>正在训练：请先停止，再开始其他运行</translation>
    </message>
    <message>
        <source>Cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>Select a subnet on the Pareto tab first</source>
        <translation>请先在帕累托标签页中选择一个子网</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>&lt;h3&gt;EQ-Net Studio %1&lt;/h3&gt;&lt;p&gt;A workbench for EQ-Net elastic quantization: one supernet, trained once, that runs at any bit-width from %2 to %3 bits; the studio searches it for the subnets with the best accuracy for their BitOps on the hardware you describe, and exports them as JSON or ONNX.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;EQ-Net Studio %1&lt;/h3&gt;&lt;p&gt;EQ-Net 弹性量化工作台：只需训练一次的超网，可在 %2 至 %3 位之间的任意位宽下运行；本软件针对您描述的硬件，在超网中搜索在相应 BitOps 下准确率最高的子网，并将其导出为 JSON 或 ONNX。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>EQ-Net Studio will use the new language the next time it starts.</source>
        <translation>EQ-Net Studio 将在下次启动时使用新语言。</translation>
    </message>
    <message>
        <source>Training is running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>Stop the training and quit? It stops at the end of the current step and keeps a checkpoint, so it can be resumed later.</source>
        <translation>要停止训练并退出吗？训练将在当前步结束时停止并保存检查点，以便稍后恢复。</translation>
    </message>
    <message>
        <source>&amp;Reopen the last run on start</source>
        <translation>启动时重新打开上次的运行(&amp;R)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>The network&apos;s layers with the selected subnet&apos;s bits, and an exported model&apos;s quantization nodes (Ctrl+5)</source>
        <translation>网络各层及所选子网的位宽，以及导出模型的量化节点（Ctrl+5）</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::ModelTab</name>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>conv %1×%1</source>
        <translation>卷积 %1×%1</translation>
    </message>
    <message>
        <source>depthwise %1×%1</source>
        <translation>深度卷积 %1×%1</translation>
    </message>
    <message>
        <source>, %1 groups</source>
        <translation>，%1 组</translation>
    </message>
    <message>
        <source>, stride %1</source>
        <translation>，步长 %1</translation>
    </message>
    <message>
        <source>%1 values: %2 – %3</source>
        <translation>%1 个值：%2 – %3</translation>
    </message>
    <message>
        <source>activation, quantize</source>
        <translation>激活，量化</translation>
    </message>
    <message>
        <source>activation, dequantize</source>
        <translation>激活，反量化</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Weight shape</source>
        <translation>权重形状</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Weight bits</source>
        <translation>权重位宽</translation>
    </message>
    <message>
        <source>Activation bits</source>
        <translation>激活位宽</translation>
    </message>
    <message>
        <source>BitOps share (%)</source>
        <translation>BitOps 占比（%）</translation>
    </message>
    <message>
        <source>ONNX bits (W/A)</source>
        <translation>ONNX 位宽（W/A）</translation>
    </message>
    <message>
        <source>The bit-widths the opened ONNX file&apos;s levels say for this layer</source>
        <translation>打开的 ONNX 文件的量化级别所表明的该层位宽</translation>
    </message>
    <message>
        <source>Open ONNX…</source>
        <translation>打开 ONNX…</translation>
    </message>
    <message>
        <source>Show the QuantizeLinear/DequantizeLinear nodes of an exported model</source>
        <translation>显示导出模型的 QuantizeLinear/DequantizeLinear 节点</translation>
    </message>
    <message>
        <source>No ONNX file open. Export a subnet (Pareto tab) or open one.</source>
        <translation>未打开 ONNX 文件。请导出一个子网（Pareto 标签页）或打开一个文件。</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Op</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>作用</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存储类型</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放因子</translation>
    </message>
    <message>
        <source>Zero point</source>
        <translation>零点</translation>
    </message>
    <message>
        <source>Levels</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>位宽</translation>
    </message>
    <message>
        <source>Open ONNX model</source>
        <translation>打开 ONNX 模型</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source> (fixed)</source>
        <translation>（固定）</translation>
    </message>
    <message>
        <source>The file&apos;s levels do not fit the selected subnet&apos;s bits</source>
        <translation>文件中的量化级别与所选子网的位宽不符</translation>
    </message>
    <message>
        <source>Open a run to see its network.</source>
        <translation>打开一个运行以查看其网络。</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n quantized layer(s), %2 parameters, %3 MACs per image.</source>
        <translation>
            <numerusform>%1：%n 个量化层，%2 个参数，每张图像 %3 次 MAC。</numerusform>
        </translation>
    </message>
    <message>
        <source>the selected subnet</source>
        <translation>所选子网</translation>
    </message>
    <message>
        <source>uniform %1</source>
        <translation>统一 %1</translation>
    </message>
    <message>
        <source>Bits of %1 (%2, %3 MBitOps), from the Pareto tab.</source>
        <translation>来自 Pareto 标签页的%1的位宽（%2，%3 MBitOps）。</translation>
    </message>
    <message>
        <source>Select a point in the Pareto tab to see its bits here.</source>
        <translation>在 Pareto 标签页中选择一个点即可在此查看其位宽。</translation>
    </message>
    <message>
        <source>, per channel (axis %1)</source>
        <translation>，逐通道（轴 %1）</translation>
    </message>
    <message>
        <source> (Clip)</source>
        <translation>（Clip）</translation>
    </message>
    <message>
        <source>%1: opset %2, %3, %4 nodes, of which %5 QuantizeLinear and %6 DequantizeLinear</source>
        <translation>%1：opset %2，%3，%4 个节点，其中 %5 个 QuantizeLinear、%6 个 DequantizeLinear</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::NewRunDialog</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>新建运行</translation>
    </message>
    <message>
        <source>Quick (about 2 minutes of training on 2 cores)</source>
        <translation>快速（2 核约 2 分钟训练）</translation>
    </message>
    <message>
        <source>Fashion-MNIST default (about 15 minutes of training on 2 cores)</source>
        <translation>Fashion-MNIST 默认（2 核约 15 分钟训练）</translation>
    </message>
    <message>
        <source>The same settings as eqnet pipeline --preset; every field below can be changed</source>
        <translation>与 eqnet pipeline --preset 的设置相同；下方各项均可修改</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>预设(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Data folder:</source>
        <translation>数据文件夹(&amp;D)：</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>IDX (MNIST, Fashion-MNIST)</source>
        <translation>IDX（MNIST、Fashion-MNIST）</translation>
    </message>
    <message>
        <source>CIFAR-10 binary</source>
        <translation>CIFAR-10 二进制</translation>
    </message>
    <message>
        <source>Synthetic (for trying things out)</source>
        <translation>合成数据（用于试用）</translation>
    </message>
    <message>
        <source>Data &amp;format:</source>
        <translation>数据格式(&amp;F)：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Training &amp;images:</source>
        <translation>训练图像数(&amp;I)：</translation>
    </message>
    <message>
        <source>Stage 1: the full-precision network the supernet starts from</source>
        <translation>阶段 1：作为超网起点的全精度网络</translation>
    </message>
    <message>
        <source>FP &amp;epochs:</source>
        <translation>FP 轮数(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Supernet epochs:</source>
        <translation>超网轮数(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Batch size:</source>
        <translation>批大小(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;Learning rate:</source>
        <translation>学习率(&amp;L)：</translation>
    </message>
    <message>
        <source>GPG: each subnet guided by the one before it</source>
        <translation>GPG：每个子网由前一个子网引导</translation>
    </message>
    <message>
        <source>Teacher: every subnet guided by the largest</source>
        <translation>教师：每个子网均由最大子网引导</translation>
    </message>
    <message>
        <source>Labels only (no distillation)</source>
        <translation>仅标签（不蒸馏）</translation>
    </message>
    <message>
        <source>&amp;Guidance:</source>
        <translation>引导方式(&amp;G)：</translation>
    </message>
    <message>
        <source>Weight distribution regularisation (WDR)</source>
        <translation>权重分布正则化（WDR）</translation>
    </message>
    <message>
        <source>See&amp;d:</source>
        <translation>随机种子(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Location:</source>
        <translation>位置(&amp;L)：</translation>
    </message>
    <message>
        <source>Where the run folder goes</source>
        <translation>运行文件夹的存放位置</translation>
    </message>
    <message>
        <source>Run &amp;name:</source>
        <translation>运行名称(&amp;N)：</translation>
    </message>
    <message>
        <source>Create and &amp;train</source>
        <translation>创建并训练(&amp;T)</translation>
    </message>
    <message>
        <source>Give the run a name.</source>
        <translation>请为运行命名。</translation>
    </message>
    <message>
        <source>The run name &quot;%1&quot; is not a folder name.</source>
        <translation>运行名称“%1”不是有效的文件夹名。</translation>
    </message>
    <message>
        <source>Choose where the run folder goes.</source>
        <translation>请选择运行文件夹的存放位置。</translation>
    </message>
    <message>
        <source>%1 already holds a run: open it instead, or choose another name.</source>
        <translation>%1 中已有一个运行：请直接打开它，或另选一个名称。</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder.</source>
        <translation>%1 是文件，而不是文件夹。</translation>
    </message>
    <message>
        <source>The data folder %1 does not exist.</source>
        <translation>数据文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>Where training computes</source>
        <translation>训练所用的计算设备</translation>
    </message>
    <message>
        <source>No CUDA device in this build or on this machine</source>
        <translation>此构建或此机器上没有 CUDA 设备</translation>
    </message>
    <message>
        <source>De&amp;vice:</source>
        <translation>设备(&amp;V)：</translation>
    </message>
    <message>
        <source>A built-in network, or your own trained network as an FP ONNX file (docs/user-guide.md, &quot;Your own model&quot;)</source>
        <translation>内置网络，或您自己训练好的 FP ONNX 文件形式的网络（docs/user-guide.md，“您自己的模型”）</translation>
    </message>
    <message>
        <source>ONNX file…</source>
        <translation>ONNX 文件…</translation>
    </message>
    <message>
        <source>Your FP network</source>
        <translation>您的 FP 网络</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Detect (IDX, CIFAR-10 or image folder)</source>
        <translation>自动检测（IDX、CIFAR-10 或图像文件夹）</translation>
    </message>
    <message>
        <source>Image folder (train/&lt;class&gt;/*.png, *.jpg)</source>
        <translation>图像文件夹（train/&lt;类别&gt;/*.png、*.jpg）</translation>
    </message>
    <message>
        <source>the training images&apos;</source>
        <translation>训练图像的</translation>
    </message>
    <message>
        <source>Subtracted from the pixels scaled to [0, 1]: one value, or one per channel (0.485,0.456,0.406). An imported network needs the values it was trained with.</source>
        <translation>从缩放到 [0, 1] 的像素中减去：一个值，或每个通道一个值（0.485,0.456,0.406）。导入的网络需要其训练时使用的值。</translation>
    </message>
    <message>
        <source>The pixels are divided by it after the mean: one value, or one per channel.</source>
        <translation>减去均值后像素除以该值：一个值，或每个通道一个值。</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>&amp;Preprocessing:</source>
        <translation>预处理(&amp;P)：</translation>
    </message>
    <message>
        <source>no random crop</source>
        <translation>不随机裁剪</translation>
    </message>
    <message>
        <source> px padding</source>
        <translation> 像素填充</translation>
    </message>
    <message>
        <source>Training augmentation: pad each training image by this many black pixels and cut it back out at a random offset</source>
        <translation>训练增强：在每张训练图像四周填充这么多黑色像素，再以随机偏移裁剪回原尺寸</translation>
    </message>
    <message>
        <source>Flip half the training images horizontally</source>
        <translation>将一半训练图像水平翻转</translation>
    </message>
    <message>
        <source>&amp;Augmentation:</source>
        <translation>数据增强(&amp;A)：</translation>
    </message>
    <message>
        <source>The model file %1 does not exist.</source>
        <translation>模型文件 %1 不存在。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a built-in network nor an .onnx file.</source>
        <translation>“%1”既不是内置网络，也不是 .onnx 文件。</translation>
    </message>
    <message>
        <source>The preprocessing %1 &quot;%2&quot; is not a number or a list of numbers.</source>
        <translation>预处理 %1“%2”不是数字或数字列表。</translation>
    </message>
    <message>
        <source>Every preprocessing std must be positive.</source>
        <translation>每个预处理标准差都必须为正。</translation>
    </message>
    <message>
        <source>The image folder %1 has no train/ folder (it needs train/&lt;class&gt;/*.png or *.jpg, and optionally val/).</source>
        <translation>图像文件夹 %1 没有 train/ 文件夹（需要 train/&lt;类别&gt;/*.png 或 *.jpg，val/ 可选）。</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::ParetoTab</name>
    <message>
        <source>Verify</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Measure the selected subnet on the validation and test split</source>
        <translation>在验证集和测试集上实测所选子网</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the running verification</source>
        <translation>停止正在进行的验证</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export the selected subnet as JSON and ONNX</source>
        <translation>将所选子网导出为 JSON 和 ONNX</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>Open a run with a CQAP predictor to see its Pareto front</source>
        <translation>打开带有 CQAP 预测器的运行以查看其帕累托前沿</translation>
    </message>
    <message>
        <source>Pareto front (predicted)</source>
        <translation>帕累托前沿（预测）</translation>
    </message>
    <message>
        <source>Prediction error</source>
        <translation>预测误差</translation>
    </message>
    <message>
        <source>Measured (validation)</source>
        <translation>实测（验证集）</translation>
    </message>
    <message>
        <source>Uniform (predicted)</source>
        <translation>统一位宽（预测）</translation>
    </message>
    <message>
        <source>Uniform (measured)</source>
        <translation>统一位宽（实测）</translation>
    </message>
    <message>
        <source>Selected</source>
        <translation>已选中</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>位宽</translation>
    </message>
    <message>
        <source>Weight bits</source>
        <translation>权重位宽</translation>
    </message>
    <message>
        <source>Activation bits</source>
        <translation>激活位宽</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <source>BitOps share (%)</source>
        <translation>BitOps 占比（%）</translation>
    </message>
    <message>
        <source>Click a point to see its layers.</source>
        <translation>点击一个点以查看其各层。</translation>
    </message>
    <message>
        <source>Verifying… %1 %2/%3</source>
        <translation>正在验证… %1 %2/%3</translation>
    </message>
    <message>
        <source>Loading the run…</source>
        <translation>正在加载运行…</translation>
    </message>
    <message>
        <source>This run has no CQAP predictor yet: fit one in the Predictor tab.</source>
        <translation>此运行尚无 CQAP 预测器：请在预测器标签页中拟合。</translation>
    </message>
    <message>
        <source>Searching… (%1)</source>
        <translation>正在搜索…（%1）</translation>
    </message>
    <message>
        <source>Pareto search</source>
        <translation>帕累托搜索</translation>
    </message>
    <message numerus="yes">
        <source>%n subnet(s) on the front of %1</source>
        <translation>
            <numerusform>%1 的前沿上有 %n 个子网</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (modified)</source>
        <translation>%1（已修改）</translation>
    </message>
    <message>
        <source> (every subnet predicted, %1 s)</source>
        <translation>（已预测全部子网，%1 秒）</translation>
    </message>
    <message>
        <source> (%1 predictions, %2 s)</source>
        <translation>（%1 次预测，%2 秒）</translation>
    </message>
    <message numerus="yes">
        <source>; stored front: %n measured point(s)</source>
        <translation>
            <numerusform>；已存储的前沿：%n 个实测点</numerusform>
        </translation>
    </message>
    <message>
        <source>; stored front unreadable: %1</source>
        <translation>；无法读取已存储的前沿：%1</translation>
    </message>
    <message>
        <source>Searching… generation %1 of %2</source>
        <translation>正在搜索… 第 %1/%2 代</translation>
    </message>
    <message>
        <source>No front: see the message above</source>
        <translation>无前沿：请查看上方消息</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <source>Uniform %1</source>
        <translation>统一位宽 %1</translation>
    </message>
    <message>
        <source>BitOps: %1</source>
        <translation>BitOps：%1</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>大小：%1</translation>
    </message>
    <message>
        <source>Predicted: %1</source>
        <translation>预测：%1</translation>
    </message>
    <message>
        <source>Measured: %1 validation</source>
        <translation>实测：验证集 %1</translation>
    </message>
    <message>
        <source>, %1 test</source>
        <translation>，测试集 %1</translation>
    </message>
    <message>
        <source>Not measured</source>
        <translation>未实测</translation>
    </message>
    <message>
        <source>Mean bits: weights %1, activations %2</source>
        <translation>平均位宽：权重 %1，激活 %2</translation>
    </message>
    <message>
        <source>conv</source>
        <translation>卷积</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>BitOps %1</source>
        <translation>BitOps %1</translation>
    </message>
    <message>
        <source>size %1</source>
        <translation>大小 %1</translation>
    </message>
    <message>
        <source>predicted %1</source>
        <translation>预测 %1</translation>
    </message>
    <message>
        <source>measured validation %1</source>
        <translation>验证集实测 %1</translation>
    </message>
    <message>
        <source>, test %1</source>
        <translation>，测试集 %1</translation>
    </message>
    <message>
        <source>not measured</source>
        <translation>未实测</translation>
    </message>
    <message>
        <source>Verifying the selected subnet…</source>
        <translation>正在验证所选子网…</translation>
    </message>
    <message>
        <source>Verify subnet</source>
        <translation>验证子网</translation>
    </message>
    <message>
        <source> (saved to the stored front)</source>
        <translation>（已保存到已存储的前沿）</translation>
    </message>
    <message>
        <source>Verification stopped.</source>
        <translation>验证已停止。</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Verification failed: %1</source>
        <translation>验证失败：%1</translation>
    </message>
    <message>
        <source>Verify front</source>
        <translation>验证前沿</translation>
    </message>
    <message>
        <source> (%1 left)</source>
        <translation>（剩余 %1）</translation>
    </message>
    <message>
        <source>, prediction RMSE %1 pp, Kendall τ %2</source>
        <translation>，预测 RMSE %1 个百分点，Kendall τ %2</translation>
    </message>
    <message>
        <source>, %1 of %2 uniform baselines beaten</source>
        <translation>，胜过 %2 个统一位宽基线中的 %1 个</translation>
    </message>
    <message>
        <source>Save the edited constraints as a profile first: a stored front belongs to a profile file</source>
        <translation>请先将编辑后的约束另存为硬件配置：已存储的前沿属于某个配置文件</translation>
    </message>
    <message>
        <source>Store the front of %1 in the run (search/%1/front.json) and measure every point and uniform baseline on the validation and test split</source>
        <translation>将 %1 的前沿存入运行（search/%1/front.json），并在验证集和测试集上实测每个点和每个统一位宽基线</translation>
    </message>
    <message>
        <source>Verifying the front of %1…</source>
        <translation>正在验证 %1 的前沿…</translation>
    </message>
    <message>
        <source>; on test %1 of %2 beaten with the 95 % interval above zero</source>
        <translation>；测试集上胜过 %2 个中的 %1 个（95% 置信区间高于零）</translation>
    </message>
    <message>
        <source>; predicted by the stored search&apos;s refined predictor</source>
        <translation>；由已保存搜索的精化预测器预测</translation>
    </message>
    <message>
        <source>; refined predictor unreadable, the run&apos;s predictor used: %1</source>
        <translation>；精化预测器无法读取，改用该运行的预测器：%1</translation>
    </message>
    <message>
        <source>MBitOps per image (log scale)</source>
        <translation>每张图像的 MBitOps（对数刻度）</translation>
    </message>
    <message>
        <source>budget %1 MBitOps</source>
        <translation>预算 %1 MBitOps</translation>
    </message>
    <message>
        <source>Selected subnet</source>
        <translation>选中的子网</translation>
    </message>
    <message>
        <source>All points</source>
        <translation>所有点</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Keep the selected subnet in the Pinned table to compare it side by side</source>
        <translation>将所选子网保留在“已固定”表中以便并排比较</translation>
    </message>
    <message>
        <source>Draw the predicted front of another hardware profile over this one</source>
        <translation>在此前沿上叠加另一个硬件配置的预测前沿</translation>
    </message>
    <message>
        <source>Overlay the front of:</source>
        <translation>叠加以下配置的前沿：</translation>
    </message>
    <message>
        <source>Overlay front (predicted)</source>
        <translation>叠加前沿（预测）</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>已固定</translation>
    </message>
    <message>
        <source>Pinned (%1)</source>
        <translation>已固定（%1）</translation>
    </message>
    <message>
        <source>Overlay of %1 failed: %2</source>
        <translation>叠加 %1 失败：%2</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Overlay search</source>
        <translation>叠加搜索</translation>
    </message>
    <message>
        <source>Front of %1 (predicted)</source>
        <translation>%1 的前沿（预测）</translation>
    </message>
    <message>
        <source>Profile: %1</source>
        <translation>配置：%1</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消固定</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::PinnedSubnets</name>
    <message>
        <source>Unpin</source>
        <translation>取消固定</translation>
    </message>
    <message>
        <source>Remove the selected column</source>
        <translation>移除所选列</translation>
    </message>
    <message>
        <source>Unpin all</source>
        <translation>全部取消固定</translation>
    </message>
    <message>
        <source>Select a point and press Pin to compare it here. Rows where the pinned subnets differ are in bold.</source>
        <translation>选择一个点并按“固定”即可在此比较。已固定子网之间不同的行以粗体显示。</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Subnet</source>
        <translation>子网</translation>
    </message>
    <message>
        <source>MBitOps</source>
        <translation>MBitOps</translation>
    </message>
    <message>
        <source>Size (KiB)</source>
        <translation>大小 (KiB)</translation>
    </message>
    <message>
        <source>Predicted (%)</source>
        <translation>预测 (%)</translation>
    </message>
    <message>
        <source>Validation (%)</source>
        <translation>验证 (%)</translation>
    </message>
    <message>
        <source>Test (%)</source>
        <translation>测试 (%)</translation>
    </message>
    <message>
        <source>Mean weight bits</source>
        <translation>平均权重位宽</translation>
    </message>
    <message>
        <source>Mean activation bits</source>
        <translation>平均激活位宽</translation>
    </message>
    <message>
        <source>%1 (W/A)</source>
        <translation>%1（W/A）</translation>
    </message>
    <message>
        <source>searched</source>
        <translation>搜索所得</translation>
    </message>
    <message>
        <source>uniform %1</source>
        <translation>统一 %1</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::Plot</name>
    <message>
        <source>Unknown file type &quot;%1&quot;: use .png or .pdf</source>
        <translation>未知文件类型“%1”：请使用 .png 或 .pdf</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Save plot</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Reset view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Export data as CSV…</source>
        <translation>将数据导出为 CSV…</translation>
    </message>
    <message>
        <source>Export data as CSV</source>
        <translation>将数据导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Logarithmic value axis</source>
        <translation>对数数值轴</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::PredictorTab</name>
    <message>
        <source>Measured accuracy (%)</source>
        <translation>实测准确率（%）</translation>
    </message>
    <message>
        <source>Predicted accuracy (%)</source>
        <translation>预测准确率（%）</translation>
    </message>
    <message>
        <source>Conditional</source>
        <translation>有条件</translation>
    </message>
    <message>
        <source>Unconditional</source>
        <translation>无条件</translation>
    </message>
    <message>
        <source>Kendall τ</source>
        <translation>Kendall τ</translation>
    </message>
    <message>
        <source>RMSE (pp)</source>
        <translation>RMSE（百分点）</translation>
    </message>
    <message>
        <source>MAE (pp)</source>
        <translation>MAE（百分点）</translation>
    </message>
    <message>
        <source>Samples fitted / held out</source>
        <translation>拟合/留出样本数</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>The predictor with the quantization form as its condition</source>
        <translation>以量化形式为条件的预测器</translation>
    </message>
    <message>
        <source>The ablation: the same predictor without the form bits (cqap/predictor-unconditional.json)</source>
        <translation>消融对照：不含量化形式位的同一预测器（cqap/predictor-unconditional.json）</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>量化形式</translation>
    </message>
    <message>
        <source>Held out</source>
        <translation>留出样本</translation>
    </message>
    <message>
        <source>τ conditional</source>
        <translation>τ（有条件）</translation>
    </message>
    <message>
        <source>τ unconditional</source>
        <translation>τ（无条件）</translation>
    </message>
    <message>
        <source>Held-out scores</source>
        <translation>留出集评分</translation>
    </message>
    <message>
        <source>Kendall τ per form (held out):</source>
        <translation>各量化形式的 Kendall τ（留出集）：</translation>
    </message>
    <message>
        <source>Subnets measured per quantization form (8 forms); those already measured are reused</source>
        <translation>每种量化形式实测的子网数（共 8 种形式）；已实测的子网会被复用</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Validation images each sample is measured on (0: the whole split)</source>
        <translation>每个样本实测所用的验证集图像数（0：整个验证集）</translation>
    </message>
    <message>
        <source>Hidden layer sizes of the predictor&apos;s MLP, comma separated</source>
        <translation>预测器 MLP 的隐藏层大小，以逗号分隔</translation>
    </message>
    <message>
        <source>Seed of the held-out split and of the MLP&apos;s initial weights</source>
        <translation>留出集划分及 MLP 初始权重的随机种子</translation>
    </message>
    <message>
        <source>At most this many epochs (early stopping usually ends sooner)</source>
        <translation>最多训练这么多轮（早停通常会更早结束）</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>拟合</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Fit the predictor</source>
        <translation>拟合预测器</translation>
    </message>
    <message>
        <source>Samples per form:</source>
        <translation>每种形式样本数：</translation>
    </message>
    <message>
        <source>Validation images:</source>
        <translation>验证集图像数：</translation>
    </message>
    <message>
        <source>Hidden layers:</source>
        <translation>隐藏层：</translation>
    </message>
    <message>
        <source>Fit seed:</source>
        <translation>拟合种子：</translation>
    </message>
    <message>
        <source>Max. epochs:</source>
        <translation>最大轮数：</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Could not read the samples: %1</source>
        <translation>无法读取样本：%1</translation>
    </message>
    <message>
        <source>Loading the run…</source>
        <translation>正在加载运行…</translation>
    </message>
    <message>
        <source>Open a run (File &gt; Open run) to see how well its accuracy predictor ranks subnets.</source>
        <translation>打开一个运行（文件 &gt; 打开运行），查看其准确率预测器对子网的排序效果。</translation>
    </message>
    <message>
        <source>This run has no trained supernet yet: train it first, then fit the predictor here.</source>
        <translation>此运行尚无训练好的超网：请先训练，再在此拟合预测器。</translation>
    </message>
    <message>
        <source>No accuracy predictor yet: press Fit to measure sampled subnets of every form
and fit CQAP on them.</source>
        <translation>尚无准确率预测器：按“拟合”实测每种量化形式的采样子网，
并在其上拟合 CQAP。</translation>
    </message>
    <message numerus="yes">
        <source>%n sample line(s) measured so far (cqap/samples.jsonl).</source>
        <translation>
            <numerusform>目前已实测 %n 行样本（cqap/samples.jsonl）。</numerusform>
        </translation>
    </message>
    <message>
        <source>predicted = measured</source>
        <translation>预测 = 实测</translation>
    </message>
    <message>
        <source>Reading the measured samples…</source>
        <translation>正在读取实测样本…</translation>
    </message>
    <message>
        <source>Reading CQAP samples</source>
        <translation>正在读取 CQAP 样本</translation>
    </message>
    <message>
        <source>other samples</source>
        <translation>其他样本</translation>
    </message>
    <message>
        <source>%1 measured samples of this checkpoint (cqap/samples.jsonl): %2 held out, %3 shown in grey.</source>
        <translation>此检查点的 %1 个实测样本（cqap/samples.jsonl）：%2 个留出，%3 个以灰色显示。</translation>
    </message>
    <message>
        <source>Refit</source>
        <translation>重新拟合</translation>
    </message>
    <message>
        <source>Open a run first</source>
        <translation>请先打开一个运行</translation>
    </message>
    <message>
        <source>The run has no trained supernet yet</source>
        <translation>该运行尚无训练好的超网</translation>
    </message>
    <message>
        <source>Measure the missing samples, then fit the predictor on all of them</source>
        <translation>实测缺失的样本，然后在全部样本上拟合预测器</translation>
    </message>
    <message>
        <source>Hidden layers: &quot;%1&quot; is not a layer size; write sizes like 64,64</source>
        <translation>隐藏层：“%1”不是有效的层大小；请按 64,64 的格式填写</translation>
    </message>
    <message>
        <source>Hidden layers: give at least one size, e.g. 64,64</source>
        <translation>隐藏层：请至少填写一个大小，例如 64,64</translation>
    </message>
    <message>
        <source>Open a run first.</source>
        <translation>请先打开一个运行。</translation>
    </message>
    <message>
        <source>The run has no trained supernet yet: train it first.</source>
        <translation>该运行尚无训练好的超网：请先训练。</translation>
    </message>
    <message>
        <source>Fitting the accuracy predictor</source>
        <translation>正在拟合准确率预测器</translation>
    </message>
    <message>
        <source>Fitted on %1 samples (%2 measured now)</source>
        <translation>已在 %1 个样本上拟合（本次实测 %2 个）</translation>
    </message>
    <message>
        <source>Stopped after %1 new measurements</source>
        <translation>已在 %1 次新实测后停止</translation>
    </message>
    <message>
        <source>Opening the supernet…</source>
        <translation>正在打开超网…</translation>
    </message>
    <message>
        <source>%1 of %2 subnets measured</source>
        <translation>已实测 %1/%2 个子网</translation>
    </message>
    <message>
        <source>%1 of %2 subnets measured, %3 left</source>
        <translation>已实测 %1/%2 个子网，剩余 %3</translation>
    </message>
    <message>
        <source>Fitting the predictor…</source>
        <translation>正在拟合预测器…</translation>
    </message>
    <message>
        <source>Measuring sampled subnets…</source>
        <translation>正在实测采样子网…</translation>
    </message>
    <message>
        <source>Stopped. The samples measured so far are kept; Fit goes on where it stopped.</source>
        <translation>已停止。目前已实测的样本会保留；再次“拟合”将从停止处继续。</translation>
    </message>
    <message>
        <source>Fitting failed: %1</source>
        <translation>拟合失败：%1</translation>
    </message>
    <message>
        <source>MLPs fitted from different initial weights and averaged per prediction: a little better ranking, that many times slower predictions</source>
        <translation>从不同初始权重拟合多个 MLP 并对每次预测取平均：排序略好，预测慢相应倍数</translation>
    </message>
    <message>
        <source>Ensemble:</source>
        <translation>集成：</translation>
    </message>
    <message numerus="yes">
        <source>From only %n held-out subnet(s) of this form</source>
        <translation>
            <numerusform>仅来自该形式的 %n 个留出子网</numerusform>
        </translation>
    </message>
    <message>
        <source>* from fewer than %1 held-out subnets of that form: too few to compare forms (3 subnets rank perfectly by chance one time in 6). Sample more per form for a per-form τ that means something.</source>
        <translation>* 来自该形式少于 %1 个留出子网：太少，不足以比较各形式（3 个子网有六分之一的概率偶然完全排对）。每种形式多采样一些，按形式的 τ 才有意义。</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::RunDocument</name>
    <message>
        <source>Loading run</source>
        <translation>正在加载运行</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::ShippedProfiles</name>
    <message>
        <source>Bit Fusion-style accelerator: 2-bit multiplier bricks fused into 2-, 4- or 8-bit operands, for weights and activations independently per layer; symmetric per-tensor scales.</source>
        <translation>Bit Fusion 式加速器：2 位乘法单元融合为 2、4 或 8 位操作数，每层的权重和激活各自独立选择；对称的逐张量缩放因子。</translation>
    </message>
    <message>
        <source>Flexible-precision datapath (FPGA overlay, bit-serial accelerator): any 2..8-bit weights and activations per layer, one symmetric scale per tensor.</source>
        <translation>灵活精度数据通路（FPGA 覆盖层、位串行加速器）：每层权重和激活可取 2..8 位任意位宽，每个张量一个对称缩放因子。</translation>
    </message>
    <message>
        <source>Mobile NPU with mixed W4A8/W8A8 kernels (QNN/Hexagon-style): 4- or 8-bit weights per layer with symmetric per-channel scales, asymmetric (zero-point) 8-bit activations.</source>
        <translation>支持 W4A8/W8A8 混合内核的移动 NPU（QNN/Hexagon 式）：每层 4 或 8 位权重，对称的逐通道缩放因子；非对称（带零点）8 位激活。</translation>
    </message>
    <message>
        <source>INT8 accelerator (NPU, TensorRT-style explicit INT8): 8-bit weights with symmetric per-channel scales, symmetric 8-bit activations.</source>
        <translation>INT8 加速器（NPU、TensorRT 式显式 INT8）：8 位权重，对称的逐通道缩放因子；对称 8 位激活。</translation>
    </message>
    <message>
        <source>x86 CPU with VNNI as ONNX Runtime quantizes by default: symmetric per-tensor INT8 weights, asymmetric UINT8 activations with a zero point.</source>
        <translation>带 VNNI 的 x86 CPU，按 ONNX Runtime 的默认量化方式：对称的逐张量 INT8 权重，带零点的非对称 UINT8 激活。</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::TextFormat</name>
    <message>
        <source>per-channel</source>
        <translation>逐通道</translation>
    </message>
    <message>
        <source>per-tensor</source>
        <translation>逐张量</translation>
    </message>
    <message>
        <source>symmetric weights</source>
        <translation>对称权重</translation>
    </message>
    <message>
        <source>asymmetric weights</source>
        <translation>非对称权重</translation>
    </message>
    <message>
        <source>symmetric activations</source>
        <translation>对称激活</translation>
    </message>
    <message>
        <source>asymmetric activations</source>
        <translation>非对称激活</translation>
    </message>
    <message>
        <source>%1, %2, %3</source>
        <translation>%1，%2，%3</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::TrainingTab</name>
    <message>
        <source>FP</source>
        <translation>FP</translation>
    </message>
    <message>
        <source>supernet</source>
        <translation>超网</translation>
    </message>
    <message>
        <source>static QAT</source>
        <translation>静态 QAT</translation>
    </message>
    <message>
        <source>step (FP stage, then supernet stage)</source>
        <translation>步（先 FP 阶段，后超网阶段）</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Train the open run here; a stopped run resumes from its checkpoint</source>
        <translation>在此训练已打开的运行；已停止的运行将从其检查点恢复</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Hold the training job between two steps</source>
        <translation>在两步之间暂停训练任务</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after the current step and write a checkpoint (resumable)</source>
        <translation>在当前步结束后停止并写入检查点（可恢复）</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>validation accuracy (%)</source>
        <translation>验证集准确率（%）</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>mean skewness of the weights</source>
        <translation>权重的平均偏度</translation>
    </message>
    <message>
        <source>Training loss per sandwich subnet</source>
        <translation>各三明治子网的训练损失</translation>
    </message>
    <message>
        <source>Validation accuracy at epoch ends</source>
        <translation>各轮结束时的验证集准确率</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Weight moments (WDR)</source>
        <translation>权重矩（WDR）</translation>
    </message>
    <message>
        <source>mean kurtosis of the weights</source>
        <translation>权重的平均峰度</translation>
    </message>
    <message>
        <source>mean skewness</source>
        <translation>平均偏度</translation>
    </message>
    <message>
        <source>mean kurtosis</source>
        <translation>平均峰度</translation>
    </message>
    <message>
        <source>No training records yet</source>
        <translation>尚无训练记录</translation>
    </message>
    <message>
        <source>Drag or wheel to zoom; double click to follow the data again</source>
        <translation>拖动或滚动滚轮以缩放；双击可重新跟随数据</translation>
    </message>
    <message>
        <source>%1 step %2 of %3</source>
        <translation>%1 第 %2/%3 步</translation>
    </message>
    <message>
        <source>%1 step %2</source>
        <translation>%1 第 %2 步</translation>
    </message>
    <message>
        <source> — ETA %1</source>
        <translation> — 预计剩余 %1</translation>
    </message>
    <message>
        <source>Open a run first.</source>
        <translation>请先打开一个运行。</translation>
    </message>
    <message>
        <source>Resuming training of %1</source>
        <translation>正在恢复训练 %1</translation>
    </message>
    <message>
        <source>Training %1</source>
        <translation>正在训练 %1</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Open a run to see its training curves.</source>
        <translation>打开一个运行以查看其训练曲线。</translation>
    </message>
    <message>
        <source>Stopping: writing a checkpoint…</source>
        <translation>正在停止：写入检查点…</translation>
    </message>
    <message>
        <source>Paused.</source>
        <translation>已暂停。</translation>
    </message>
    <message>
        <source>Paused at %1.</source>
        <translation>已暂停于 %1。</translation>
    </message>
    <message>
        <source>Training in the studio.</source>
        <translation>正在本软件中训练。</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Following a run that another process is training.</source>
        <translation>正在跟踪由另一个进程训练的运行。</translation>
    </message>
    <message>
        <source>Training finished.</source>
        <translation>训练已完成。</translation>
    </message>
    <message>
        <source>Stopped at %1; Resume continues from the checkpoint.</source>
        <translation>已停止于 %1；点击“恢复”将从检查点继续。</translation>
    </message>
    <message>
        <source>Not trained yet: Start trains it here.</source>
        <translation>尚未训练：点击“开始”即可在此训练。</translation>
    </message>
    <message>
        <source>Not running (last record: %1).</source>
        <translation>未在运行（最后记录：%1）。</translation>
    </message>
    <message>
        <source>FP network</source>
        <translation>全精度网络</translation>
    </message>
    <message>
        <source>largest subnet (8-bit)</source>
        <translation>最大子网（8 位）</translation>
    </message>
    <message>
        <source>smallest subnet (2-bit)</source>
        <translation>最小子网（2 位）</translation>
    </message>
    <message>
        <source>random subnet %1</source>
        <translation>随机子网 %1</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>Smoothing of the loss curves: an exponential moving average with this weight (0: the values as recorded)</source>
        <translation>损失曲线的平滑：以此权重计算的指数移动平均（0：按记录值显示）</translation>
    </message>
    <message>
        <source>Smoothing:</source>
        <translation>平滑：</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>对比运行</translation>
    </message>
    <message>
        <source>Draw other runs&apos; curves over this one&apos;s (dashed)</source>
        <translation>在本运行的曲线上叠加其他运行的曲线（虚线）</translation>
    </message>
    <message>
        <source>Add a run…</source>
        <translation>添加运行…</translation>
    </message>
    <message>
        <source>Compare with the run in</source>
        <translation>与以下文件夹中的运行对比</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>Remove all</source>
        <translation>全部移除</translation>
    </message>
    <message numerus="yes">
        <source>Following a run that %n processes (ranks) are training.</source>
        <translation>
            <numerusform>正在跟随由 %n 个进程（rank）训练的运行。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Training finished (data-parallel, %n ranks).</source>
        <translation>
            <numerusform>训练已完成（数据并行，%n 个 rank）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>eqnet::ui::UserGuideWindow</name>
    <message>
        <source>EQ-Net Studio user guide</source>
        <translation>EQ-Net Studio 用户指南</translation>
    </message>
    <message>
        <source>The user guide was not found next to the program. It is docs/user-guide.md in EQ-Net Studio&apos;s sources and in /usr/share/doc/eqnet-studio when installed.</source>
        <translation>在程序旁未找到用户指南。它位于 EQ-Net Studio 源码的 docs/user-guide.md，安装后位于 /usr/share/doc/eqnet-studio。</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::WeightsTab</name>
    <message>
        <source> bit</source>
        <translation> 位</translation>
    </message>
    <message>
        <source>Bit-width of the weight quantization levels drawn over the histogram</source>
        <translation>叠加在直方图上的权重量化级别的位宽</translation>
    </message>
    <message>
        <source>Number of histogram bins</source>
        <translation>直方图分箱数</translation>
    </message>
    <message>
        <source>Compare with run…</source>
        <translation>与运行比较…</translation>
    </message>
    <message>
        <source>Draw the weights of a second run (e.g. one trained without WDR) beside these</source>
        <translation>在旁边绘制另一个运行的权重（例如未使用 WDR 训练的运行）</translation>
    </message>
    <message>
        <source>Clear comparison</source>
        <translation>清除比较</translation>
    </message>
    <message>
        <source>weight value</source>
        <translation>权重值</translation>
    </message>
    <message>
        <source>density</source>
        <translation>密度</translation>
    </message>
    <message>
        <source>No weights to show</source>
        <translation>没有可显示的权重</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>Levels:</source>
        <translation>量化级别：</translation>
    </message>
    <message>
        <source>Bins:</source>
        <translation>分箱数：</translation>
    </message>
    <message>
        <source>%1 holds no checkpoint yet: nothing to compare</source>
        <translation>%1 尚无检查点：没有可比较的内容</translation>
    </message>
    <message>
        <source>Compare with run</source>
        <translation>与运行比较</translation>
    </message>
    <message>
        <source>%1 (fixed 8-bit)</source>
        <translation>%1（固定 8 位）</translation>
    </message>
    <message>
        <source>Open a run to see its weights.</source>
        <translation>打开一个运行以查看其权重。</translation>
    </message>
    <message>
        <source>Could not read the weights of %1: %2</source>
        <translation>无法读取 %1 的权重：%2</translation>
    </message>
    <message>
        <source>Computing the histograms of %1…</source>
        <translation>正在计算 %1 的直方图…</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>%1 has no checkpoint yet: the histograms appear with the first weight snapshot of training.</source>
        <translation>%1 尚无检查点：训练产生第一个权重快照后将显示直方图。</translation>
    </message>
    <message>
        <source>Checkpoint of %1</source>
        <translation>%1 的检查点</translation>
    </message>
    <message>
        <source>Comparison: %1</source>
        <translation>比较：%1</translation>
    </message>
    <message>
        <source>%1 is a first or last layer: always fixed 8-bit; the bit setting does not apply to it.</source>
        <translation>%1 是第一层或最后一层：始终固定为 8 位，位宽设置对其无效。</translation>
    </message>
    <message>
        <source>live run</source>
        <translation>实时运行</translation>
    </message>
    <message>
        <source>%1: skewness %2, kurtosis %3</source>
        <translation>%1：偏度 %2，峰度 %3</translation>
    </message>
    <message>
        <source>%1: computing…</source>
        <translation>%1：正在计算…</translation>
    </message>
    <message>
        <source>%1: has no layer %2</source>
        <translation>%1：没有层 %2</translation>
    </message>
    <message>
        <source>fixed 8-bit levels (%1)</source>
        <translation>固定 8 位量化级别（%1）</translation>
    </message>
    <message>
        <source>%1-bit levels (%2)</source>
        <translation>%1 位量化级别（%2）</translation>
    </message>
    <message>
        <source>Live: %1 step %2 of the training in the studio</source>
        <translation>实时：工作室中训练的%1第 %2 步</translation>
    </message>
    <message>
        <source>%1 (%2 step %3)</source>
        <translation>%1（%2第 %3 步）</translation>
    </message>
    <message>
        <source>No quantization levels yet: the quantizer is calibrated when the supernet stage starts.</source>
        <translation>尚无量化级别：量化器在超网络阶段开始时校准。</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>The layers&apos; weights, or their inputs (what each activation quantizer sees)</source>
        <translation>各层的权重，或其输入（各激活量化器所见的值）</translation>
    </message>
    <message>
        <source>widest range</source>
        <translation>范围最宽</translation>
    </message>
    <message>
        <source>Per-channel forms: the output channel whose levels are drawn</source>
        <translation>逐通道形式：绘制其量化级别的输出通道</translation>
    </message>
    <message>
        <source>The weight snapshots of the training in the studio, oldest to newest</source>
        <translation>本工作室中训练的权重快照，从旧到新</translation>
    </message>
    <message>
        <source>% per layer</source>
        <translation>每层 %</translation>
    </message>
    <message>
        <source>quantization error (% of the weights&apos; energy)</source>
        <translation>量化误差（占权重能量的 %）</translation>
    </message>
    <message>
        <source>weights clipped (%)</source>
        <translation>被截断的权重（%）</translation>
    </message>
    <message>
        <source>output channel</source>
        <translation>输出通道</translation>
    </message>
    <message>
        <source>quantization step</source>
        <translation>量化步长</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>通道：</translation>
    </message>
    <message>
        <source>Histograms of %1</source>
        <translation>%1 的直方图</translation>
    </message>
    <message>
        <source>activation value (layer input)</source>
        <translation>激活值（层输入）</translation>
    </message>
    <message>
        <source>Snapshot %1 of %2:</source>
        <translation>快照 %1 / %2：</translation>
    </message>
    <message>
        <source>Checkpoint of %1: the input of each layer on %2 validation images, as the uniform %3-bit subnet computes it (batch norm as stored)</source>
        <translation>%1 的检查点：各层在 %2 张验证图像上的输入，按统一 %3 位子网计算（批归一化取已存储的统计量）</translation>
    </message>
    <message>
        <source>levels of %1</source>
        <translation>%1 的量化级别</translation>
    </message>
    <message>
        <source>%1: quantization error %2 % of the inputs&apos; energy, %3 % of the inputs clipped</source>
        <translation>%1：量化误差为输入能量的 %2 %，%3 % 的输入被截断</translation>
    </message>
    <message>
        <source>%1: quantization error %2 % of the weights&apos; energy, %3 % of the weights clipped</source>
        <translation>%1：量化误差为权重能量的 %2 %，%3 % 的权重被截断</translation>
    </message>
    <message>
        <source>; levels of output channel %1 of %2</source>
        <translation>；输出通道 %1（共 %2 个）的量化级别</translation>
    </message>
    <message>
        <source>quantization error (% of the inputs&apos; energy)</source>
        <translation>量化误差（占输入能量的 %）</translation>
    </message>
    <message>
        <source>inputs clipped (%)</source>
        <translation>被截断的输入（%）</translation>
    </message>
    <message>
        <source>Every layer at %1 bits (%2; the first and last layer at their fixed 8 bits). Click a layer to show it above.</source>
        <translation>每层均为 %1 位（%2；首层和末层固定为 8 位）。点击某层可在上方显示它。</translation>
    </message>
    <message>
        <source>steps of %1</source>
        <translation>%1 的步长</translation>
    </message>
    <message>
        <source>per tensor: one step</source>
        <translation>逐张量：一个步长</translation>
    </message>
</context>
<context>
    <name>eqnet::ui::WelcomePage</name>
    <message>
        <source>&lt;h2&gt;EQ-Net Studio&lt;/h2&gt;&lt;p&gt;Train one quantization supernet, then pick a mixed-precision subnet for each piece of hardware.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;EQ-Net Studio&lt;/h2&gt;&lt;p&gt;训练一个量化超网，再为每种硬件挑选混合精度子网。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>New run…</source>
        <translation>新建运行…</translation>
    </message>
    <message>
        <source>Create a run folder and train a supernet in it (Ctrl+N)</source>
        <translation>创建运行文件夹并在其中训练超网 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Open run…</source>
        <translation>打开运行…</translation>
    </message>
    <message>
        <source>Open the folder of a training run (Ctrl+O)</source>
        <translation>打开训练运行的文件夹 (Ctrl+O)</translation>
    </message>
    <message>
        <source>Open the demo run</source>
        <translation>打开演示运行</translation>
    </message>
    <message>
        <source>A small finished run that ships with the studio: every tab filled</source>
        <translation>随工作室附带的小型已完成运行：每个标签页都有内容</translation>
    </message>
    <message>
        <source>Recent runs (double-click or Enter to open):</source>
        <translation>最近的运行（双击或按 Enter 打开）：</translation>
    </message>
    <message>
        <source>%1 (not found)</source>
        <translation>%1（未找到）</translation>
    </message>
    <message>
        <source>No recent runs yet</source>
        <translation>尚无最近的运行</translation>
    </message>
</context>
</TS>
