<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Train the supernet</source>
        <translation>训练超网络</translation>
    </message>
    <message>
        <source>EQ-Net trains one weight-sharing supernet that runs at every bit-width from %1 to %2 bits, for weights and activations alike, and in every quantization form (per-tensor or per-channel scales, symmetric or asymmetric ranges). This tab will start training jobs and follow their loss and accuracy as they run.</source>
        <translation>EQ-Net 训练一个权重共享的超网络，它能以 %1 到 %2 位之间的任意位宽运行（权重和激活均是如此），并支持每一种量化形式（逐张量或逐通道的缩放因子，对称或非对称的取值范围）。此标签页将用于启动训练任务，并在训练过程中跟踪损失和准确率。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Inspect the shared weights</source>
        <translation>查看共享权重</translation>
    </message>
    <message>
        <source>All subnets share one set of weights. This tab will show, layer by layer, how the weights are distributed and how their quantization grid changes with the bit-width and the quantization form.</source>
        <translation>所有子网络共享同一组权重。此标签页将逐层显示权重的分布，以及量化网格如何随位宽和量化形式而变化。</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Predict subnet accuracy</source>
        <translation>预测子网络准确率</translation>
    </message>
    <message>
        <source>Evaluating every bit-width configuration would take far too long, so EQ-Net fits an accuracy predictor on a sample of evaluated subnets. This tab will fit that predictor and show how well its estimates agree with measured accuracy.</source>
        <translation>逐一评估每种位宽配置耗时过长，因此 EQ-Net 会在一批已评估的子网络样本上拟合一个准确率预测器。此标签页将用于拟合该预测器，并显示其估计值与实测准确率的吻合程度。</translation>
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
        <source>Export a subnet</source>
        <translation>导出子网络</translation>
    </message>
    <message>
        <source>Pick a subnet from the Pareto front and export it: the bit-widths of every layer, the quantization scales and zero points, and the quantized weights, ready for deployment.</source>
        <translation>从帕累托前沿中选择一个子网络并将其导出：包括每一层的位宽、量化缩放因子和零点，以及量化后的权重，可直接用于部署。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>BitOps</source>
        <translation>BitOps（比特运算量）</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率 (%)</translation>
    </message>
    <message>
        <source>No search results yet</source>
        <translation>尚无搜索结果</translation>
    </message>
    <message>
        <source>Find the best trade-offs</source>
        <translation>寻找最佳权衡</translation>
    </message>
    <message>
        <source>The search looks for the subnets with the highest accuracy for their cost in BitOps (multiply-accumulates weighted by the weight and activation bit-widths). Each point below will be a subnet; the Pareto front joins the subnets that no other subnet beats in both accuracy and cost.</source>
        <translation>搜索会找出在各自 BitOps 开销（按权重位宽与激活位宽加权的乘累加次数）下准确率最高的子网络。下方的每个点将代表一个子网络；帕累托前沿连接的是那些没有任何其他子网络能在准确率和开销两方面同时胜过的子网络。</translation>
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
        <source>&lt;h3&gt;EQ-Net Studio %1&lt;/h3&gt;&lt;p&gt;A workbench for EQ-Net elastic quantization: one supernet, trained once, that runs at any bit-width from %2 to %3 bits; the studio searches it for the subnets with the best accuracy for their BitOps.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;EQ-Net Studio %1&lt;/h3&gt;&lt;p&gt;EQ-Net 弹性量化工作台：超网络只需训练一次，即可以 %2 到 %3 位之间的任意位宽运行；本软件从中搜索在各自 BitOps 下准确率最高的子网络。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>No recent runs</source>
        <translation>无最近打开的运行</translation>
    </message>
</context>
</TS>
