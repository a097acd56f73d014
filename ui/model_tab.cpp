#include "model_tab.h"

#include "plot_utils.h"
#include "run_document.h"
#include "text_format.h"

#include "eqnet/cost_model.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace eqnet {
namespace ui {

namespace {

QString shapeText(const std::vector<int64_t>& dims) {
    QStringList parts;
    for (int64_t d : dims) parts << QString::number(d);
    return parts.join(QStringLiteral("×"));
}

QString kindText(const LayerInfo& l) {
    if (l.kind == LayerKind::Linear) return ModelTab::tr("linear");
    QString k = ModelTab::tr("conv %1×%1").arg(l.kernel);
    if (l.groups > 1 && l.groups == l.inChannels) k = ModelTab::tr("depthwise %1×%1").arg(l.kernel);
    else if (l.groups > 1) k += ModelTab::tr(", %1 groups").arg(l.groups);
    if (l.stride > 1) k += ModelTab::tr(", stride %1").arg(l.stride);
    return k;
}

QTableWidgetItem* cell(const QString& text, bool number = false) {
    auto* it = new QTableWidgetItem(text);
    if (number) it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return it;
}

// One value, or "n values: lo – hi" for a per-channel list.
template <typename T>
QString listText(const std::vector<T>& v, char format, int precision) {
    const auto num = [&](T x) {
        return format == 'd' ? QLocale().toString(qlonglong(x)) : QLocale().toString(double(x), format, precision);
    };
    if (v.empty()) return QStringLiteral("0");
    if (v.size() == 1) return num(v[0]);
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return ModelTab::tr("%1 values: %2 – %3").arg(v.size()).arg(num(*lo), num(*hi));
}

// A read-only table with compact rows, sized to its contents, the last column stretched.
QTableWidget* readOnlyTable(QWidget* parent, const QString& name, const QStringList& headers) {
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->setVisible(false);
    t->verticalHeader()->setDefaultSectionSize(parent->fontMetrics().height() + 8);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QString roleText(const QdqNodeInfo& n) {
    if (!n.constantInput) return n.op == "QuantizeLinear" ? ModelTab::tr("activation, quantize") : ModelTab::tr("activation, dequantize");
    return n.storageType == "int32" ? ModelTab::tr("bias") : ModelTab::tr("weights");
}

} // namespace

ModelTab::ModelTab(RunDocument* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
    setObjectName(QStringLiteral("modelTab"));
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("modelSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    layers_ = readOnlyTable(this, QStringLiteral("modelLayerTable"),
                            {tr("#"), tr("Layer"), tr("Kind"), tr("Weight shape"), tr("Output shape"), tr("MACs"),
                             tr("Parameters"), tr("Weight bits"), tr("Activation bits"), tr("BitOps share (%)"),
                             tr("ONNX bits (W/A)")});
    layers_->horizontalHeaderItem(OnnxBitsCol)->setToolTip(
        tr("The bit-widths the opened ONNX file's levels say for this layer"));

    openOnnxButton_ = new QPushButton(tr("Open ONNX…"), this);
    openOnnxButton_->setObjectName(QStringLiteral("openOnnxButton"));
    openOnnxButton_->setToolTip(tr("Show the QuantizeLinear/DequantizeLinear nodes of an exported model"));
    onnxSummary_ = new QLabel(tr("No ONNX file open. Export a subnet (Pareto tab) or open one."), this);
    onnxSummary_->setObjectName(QStringLiteral("onnxSummary"));
    onnxSummary_->setWordWrap(true);
    onnxSummary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    onnx_ = readOnlyTable(this, QStringLiteral("onnxQdqTable"),
                          {tr("Node"), tr("Op"), tr("Role"), tr("Layer"), tr("Storage"), tr("Scale"), tr("Zero point"),
                           tr("Levels"), tr("Bits")});

    auto* onnxBox = new QWidget(this);
    auto* onnxLayout = new QVBoxLayout(onnxBox);
    onnxLayout->setContentsMargins(0, 0, 0, 0);
    auto* onnxBar = new QHBoxLayout;
    onnxBar->addWidget(onnxSummary_, 1);
    onnxBar->addWidget(openOnnxButton_);
    onnxLayout->addLayout(onnxBar);
    onnxLayout->addWidget(onnx_, 1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(layers_);
    split->addWidget(onnxBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(split, 1);

    connect(openOnnxButton_, &QPushButton::clicked, this, &ModelTab::chooseOnnx);
    if (doc_) {
        connect(doc_, &RunDocument::loaded, this, &ModelTab::fillLayers);
        connect(doc_, &RunDocument::closed, this, [this] {
            choice_ = SubnetChoice();
            fillLayers();
        });
    }
    fillLayers();
    fillOnnx();
}

QString ModelTab::summaryText() const { return summary_->text(); }

void ModelTab::showSubnet(const SubnetChoice& choice) {
    choice_ = choice;
    fillLayers();
}

bool ModelTab::openOnnx(const QString& path, QString* error) {
    try {
        report_ = inspectOnnxQdq(path.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    fillOnnx();
    fillLayers(); // the ONNX bits column
    return true;
}

void ModelTab::chooseOnnx() {
    QSettings settings;
    const QString key = QStringLiteral("modelTab/lastDir");
    QString start = settings.value(key).toString();
    if (start.isEmpty() && doc_ && doc_->isOpen()) start = doc_->dir();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open ONNX model"), start, tr("ONNX models (*.onnx)"));
    if (path.isEmpty()) return;
    settings.setValue(key, QFileInfo(path).absolutePath());
    QString error;
    if (!openOnnx(path, &error)) QMessageBox::warning(this, tr("Open ONNX model"), error);
}

void ModelTab::fillLayers() {
    const std::vector<LayerInfo> layers = doc_ && doc_->isLoaded() ? doc_->layers() : std::vector<LayerInfo>();
    const bool hasChoice = choice_.isValid() && choice_.config.layers.size() == layers.size();
    // The ONNX file's bits per layer name: weights from the weight DequantizeLinear, activations
    // from the QuantizeLinear feeding it.
    std::map<std::string, std::pair<int, int>> onnxBits;
    if (report_)
        for (const QdqNodeInfo& n : report_->qdq) {
            if (n.layer.empty()) continue;
            auto& wa = onnxBits.try_emplace(n.layer, 0, 0).first->second;
            if (n.op == "QuantizeLinear") wa.second = n.bits();
            else if (n.constantInput && n.storageType != "int32") wa.first = n.bits();
        }
    layers_->setRowCount(int(layers.size()));
    int64_t macs = 0, params = 0;
    for (const LayerInfo& l : layers) {
        macs += l.macs;
        params += l.weightParams + l.biasParams;
    }
    const double total = hasChoice && choice_.cost.bitops > 0 ? choice_.cost.bitops : 1.0;
    for (int r = 0; r < int(layers.size()); ++r) {
        const LayerInfo& l = layers[size_t(r)];
        layers_->setItem(r, IndexCol, cell(QString::number(r + 1), true));
        layers_->setItem(r, NameCol, cell(QString::fromStdString(l.name)));
        layers_->setItem(r, KindCol, cell(kindText(l)));
        layers_->setItem(r, WeightShapeCol, cell(shapeText(l.weightShape)));
        layers_->setItem(r, OutputShapeCol, cell(shapeText(l.outputShape)));
        layers_->setItem(r, MacsCol, cell(QLocale().toString(qlonglong(l.macs)), true));
        layers_->setItem(r, ParamsCol, cell(QLocale().toString(qlonglong(l.weightParams + l.biasParams)), true));
        const QString fixed = l.fixedBits ? tr(" (fixed)") : QString();
        if (hasChoice) {
            const LayerBits& b = choice_.config.layers[size_t(r)];
            layers_->setItem(r, WBitsCol, cell(QString::number(b.w) + fixed, true));
            layers_->setItem(r, ABitsCol, cell(QString::number(b.a) + fixed, true));
            layers_->setItem(r, ShareCol, cell(QLocale().toString(layerBitops(l, b) / total * 100.0, 'f', 1), true));
        } else {
            for (int c : {int(WBitsCol), int(ABitsCol), int(ShareCol)}) layers_->setItem(r, c, cell(QStringLiteral("–"), true));
        }
        const auto it = onnxBits.find(l.name);
        auto* onnx = cell(it == onnxBits.end() ? QStringLiteral("–")
                                               : QStringLiteral("%1/%2").arg(it->second.first).arg(it->second.second),
                          true);
        if (it != onnxBits.end() && hasChoice) {
            const LayerBits& b = choice_.config.layers[size_t(r)];
            if (it->second.second != b.a || it->second.first > b.w) {
                onnx->setForeground(QColor(200, 40, 40));
                onnx->setToolTip(tr("The file's levels do not fit the selected subnet's bits"));
            }
        }
        layers_->setItem(r, OnnxBitsCol, onnx);
    }
    if (!doc_ || !doc_->isOpen()) {
        summary_->setText(tr("Open a run to see its network."));
        return;
    }
    QString text = tr("%1: %n quantized layer(s), %2 parameters, %3 MACs per image.", "", int(layers.size()))
                       .arg(doc_->modelName(), QLocale().toString(qlonglong(params)), QLocale().toString(qlonglong(macs)));
    if (hasChoice) {
        const QString what = choice_.label.isEmpty() ? tr("the selected subnet") : tr("uniform %1").arg(choice_.label);
        text += QLatin1Char(' ') + tr("Bits of %1 (%2, %3 MBitOps), from the Pareto tab.")
                                       .arg(what, choice_.profile.displayName(),
                                            QLocale().toString(choice_.cost.bitops / 1e6, 'f', 2));
    } else {
        text += QLatin1Char(' ') + tr("Select a point in the Pareto tab to see its bits here.");
    }
    summary_->setText(text);
}

void ModelTab::fillOnnx() {
    onnx_->setRowCount(0);
    if (!report_) return;
    const OnnxQdqReport& r = *report_;
    onnx_->setRowCount(int(r.qdq.size()));
    for (int i = 0; i < int(r.qdq.size()); ++i) {
        const QdqNodeInfo& n = r.qdq[size_t(i)];
        onnx_->setItem(i, NodeCol, cell(QString::fromStdString(n.node)));
        onnx_->setItem(i, OpCol, cell(QString::fromStdString(n.op)));
        onnx_->setItem(i, RoleCol, cell(roleText(n)));
        onnx_->setItem(i, LayerCol, cell(QString::fromStdString(n.layer)));
        QString storage = QString::fromStdString(n.storageType);
        if (n.perChannel) storage += tr(", per channel (axis %1)").arg(n.axis);
        onnx_->setItem(i, StorageCol, cell(storage));
        onnx_->setItem(i, ScaleCol, cell(listText(n.scales, 'g', 6)));
        onnx_->setItem(i, ZeroPointCol, cell(listText(n.zeroPoints, 'd', 0)));
        QString levels = QStringLiteral("%1 … %2").arg(n.levelMin).arg(n.levelMax);
        if (n.clipped) levels += tr(" (Clip)");
        onnx_->setItem(i, LevelsCol, cell(levels));
        onnx_->setItem(i, BitsCol, cell(QString::number(n.bits()), true));
    }
    int q = 0;
    for (const QdqNodeInfo& n : r.qdq) q += n.op == "QuantizeLinear";
    onnxSummary_->setText(tr("%1: opset %2, %3, %4 nodes, of which %5 QuantizeLinear and %6 DequantizeLinear")
                              .arg(QDir::toNativeSeparators(QString::fromStdString(r.path)))
                              .arg(r.opset)
                              .arg(QString::fromStdString(r.producer))
                              .arg(r.nodes)
                              .arg(q)
                              .arg(qsizetype(r.qdq.size()) - q));
}

} // namespace ui
} // namespace eqnet
